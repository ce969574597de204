// The explorer page of `fallout serve` (docs/serve.md, "The explorer").
// Plain JS, no build step, no framework, nothing loaded from elsewhere: it
// runs under the server's CSP (script-src 'self', style-src 'self', no
// inline anything). Every text that comes from the estate (ids, names,
// tenants, messages) is hostile and goes into the page through textContent
// or attributes, never through innerHTML; the diagram is Graphviz SVG parsed
// with DOMParser and copied node by node through an allow-list.
'use strict';

(function () {
	const PAGE = 50;          // apps (or nodes) per page of the list
	const SEARCH_DELAY = 120; // ms of quiet typing before asking /api/search
	const SVG_NS = 'http://www.w3.org/2000/svg';
	const XLINK_NS = 'http://www.w3.org/1999/xlink';

	const $ = (id) => document.getElementById(id);

	// ------------------------------------------------------------ state
	const state = {
		scenario: { fail: [], destroy: [] }, // the scenario shown (from the URL)
		applied: null,      // the fragment last applied, to ignore repeats
		list: 'apps',       // list=apps|nodes of /api/whatif
		offset: 0,          // page of that list
		detailId: null,     // the node in the detail panel
		unknown: [],        // ids of the scenario the server does not know
		scale: null,        // diagram zoom (null: fit)
		natural: null,      // diagram natural size {w, h} in px
	};

	// ------------------------------------------------------------ DOM helpers
	// el('tag', {class, text, attrs}, children...): the only way this page
	// makes elements; text is always textContent.
	function el(tag, opts, ...children) {
		const e = document.createElement(tag);
		if (opts) {
			if (opts.class)
				e.className = opts.class;
			if (opts.text !== undefined && opts.text !== null)
				e.textContent = String(opts.text);
			if (opts.attrs)
				for (const [k, v] of Object.entries(opts.attrs))
					if (v !== undefined && v !== null && v !== false)
						e.setAttribute(k, v === true ? '' : String(v));
			if (opts.on)
				for (const [k, v] of Object.entries(opts.on))
					e.addEventListener(k, v);
		}
		for (const c of children)
			if (c !== null && c !== undefined && c !== false)
				e.append(c);
		return e;
	}

	function clear(node) {
		while (node.firstChild)
			node.removeChild(node.firstChild);
	}

	// Control characters of an id (newlines, tabs) shown as visible escapes,
	// so that two ids that differ only there do not look the same.
	function shown(s) {
		if (s === null || s === undefined)
			return '';
		return String(s).replace(/[\u0000-\u001f\u007f]/g, (c) => {
			if (c === '\n')
				return '\u21b5'; // ↵
			if (c === '\t')
				return '\u21e5'; // ⇥
			return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
		});
	}

	function stateBadge(st, flags) {
		const span = el('span', { class: 'state st-' + safeClass(st), text: st || '?' });
		const out = [span];
		for (const f of flags || [])
			out.push(el('span', { class: 'flag st-' + safeClass(f), text: f }));
		return out;
	}

	function safeClass(s) {
		return /^[a-z-]+$/.test(s || '') ? s : 'other';
	}

	// A button that opens a node in the detail panel.
	function nodeLink(id, extra) {
		const b = el('button', {
			class: 'nodelink' + (extra ? ' ' + extra : ''), text: shown(id),
			attrs: { type: 'button', title: 'Show ' + shown(id) },
		});
		b.addEventListener('click', () => showDetail(id, true));
		return b;
	}

	function plural(n, one, many) {
		return fmt(n) + ' ' + (n === 1 ? one : (many || one + 's'));
	}

	function fmt(n) {
		return typeof n === 'number' ? n.toLocaleString('en-US') : String(n);
	}

	// ------------------------------------------------------------ API
	class ApiError extends Error {
		constructor(status, code, message, ids) {
			super(message);
			this.status = status;
			this.code = code;
			this.ids = ids || [];
		}
	}

	function query(params) {
		const parts = [];
		for (const [k, v] of params)
			parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
		return parts.join('&');
	}

	function scenarioParams() {
		const p = [];
		for (const id of state.scenario.fail)
			p.push(['fail', id]);
		for (const id of state.scenario.destroy)
			p.push(['destroy', id]);
		return p;
	}

	let busyCount = 0;
	function busy(delta) {
		busyCount += delta;
		const b = $('busy');
		b.classList.toggle('on', busyCount > 0);
		$('busy-text').textContent = busyCount > 0 ? 'Loading…' : '';
	}

	// GET /api/PATH?params: the parsed JSON (or text when asText), or an
	// ApiError with the server's error object. An aborted request rejects
	// with an AbortError, which callers ignore.
	async function api(path, params, signal, asText) {
		const q = query(params || []);
		const url = '/api/' + path + (q ? '?' + q : '');
		busy(1);
		try {
			let res;
			try {
				res = await fetch(url, { signal, cache: 'no-store', credentials: 'same-origin' });
			} catch (e) {
				if (e.name === 'AbortError')
					throw e;
				throw new ApiError(0, 'network', 'the server does not answer (is `fallout serve` still running?)');
			}
			if (!res.ok) {
				let body = null;
				try {
					body = await res.json();
				} catch (e) {
					body = null;
				}
				const err = body && body.error;
				if (err)
					throw new ApiError(err.status || res.status, err.code || 'error', err.message || res.statusText, err.ids);
				throw new ApiError(res.status, 'http', res.status + ' ' + res.statusText);
			}
			return asText ? await res.text() : await res.json();
		} finally {
			busy(-1);
		}
	}

	// ------------------------------------------------------------ errors
	function showError(e, context) {
		if (e && e.name === 'AbortError')
			return;
		const box = $('error');
		const t = $('error-text');
		clear(t);
		if (e instanceof ApiError) {
			t.append(el('strong', { text: (context ? context + ': ' : '') + (e.status ? 'error ' + e.status + ' ' : '') + e.code }),
				document.createTextNode(' — ' + shown(e.message)));
			if (e.ids && e.ids.length) {
				t.append(document.createTextNode(' (unknown: '));
				e.ids.forEach((id, i) => {
					if (i)
						t.append(document.createTextNode(', '));
					t.append(el('code', { text: shown(id) }));
				});
				t.append(document.createTextNode(')'));
			}
		} else {
			t.append(el('strong', { text: (context ? context + ': ' : '') + 'error' }),
				document.createTextNode(' — ' + String(e && e.message || e)));
		}
		box.hidden = false;
	}

	function hideError() {
		$('error').hidden = true;
	}

	// ------------------------------------------------------------ the URL
	// The fragment is the scenario: fail=ID&fail=ID&destroy=ID, each id
	// encoded with encodeURIComponent ('+' stays a plus, as in ids). Other
	// keys are ignored; a malformed escape keeps the raw text (the server
	// then names it as unknown).
	function parseFragment(hash) {
		const sc = { fail: [], destroy: [] };
		const h = hash.replace(/^#/, '');
		if (!h)
			return sc;
		for (const part of h.split('&')) {
			const eq = part.indexOf('=');
			if (eq < 0)
				continue;
			const k = part.slice(0, eq);
			let v = part.slice(eq + 1);
			try {
				v = decodeURIComponent(v);
			} catch (e) { /* keep the raw text */ }
			if ((k === 'fail' || k === 'destroy') && v !== '' && !sc[k].includes(v))
				sc[k].push(v);
		}
		return sc;
	}

	function buildFragment(sc) {
		const p = [];
		for (const id of sc.fail)
			p.push(['fail', id]);
		for (const id of sc.destroy)
			p.push(['destroy', id]);
		return query(p);
	}

	// A new scenario: a new history entry (so Back undoes the click), then
	// everything is redrawn from the URL, as after a reload.
	function go(sc) {
		const frag = buildFragment(sc);
		if (frag === location.hash.replace(/^#/, ''))
			return;
		history.pushState(null, '', frag ? '#' + frag : location.pathname + location.search);
		applyURL();
	}

	function applyURL() {
		const frag = location.hash.replace(/^#/, '');
		if (frag === state.applied)
			return;
		state.applied = frag;
		state.scenario = parseFragment(frag);
		state.offset = 0;
		state.unknown = [];
		refresh();
	}

	function addToScenario(kind, id) {
		const sc = { fail: state.scenario.fail.slice(), destroy: state.scenario.destroy.slice() };
		// A node is either failed or destroyed, not both.
		sc.fail = sc.fail.filter((x) => x !== id);
		sc.destroy = sc.destroy.filter((x) => x !== id);
		sc[kind].push(id);
		go(sc);
	}

	function removeFromScenario(id) {
		go({
			fail: state.scenario.fail.filter((x) => x !== id),
			destroy: state.scenario.destroy.filter((x) => x !== id),
		});
	}

	function inScenario(id) {
		if (state.scenario.fail.includes(id))
			return 'fail';
		if (state.scenario.destroy.includes(id))
			return 'destroy';
		return null;
	}

	// ------------------------------------------------------------ refresh
	let whatifCtl = null;
	let diagramCtl = null;

	function refresh() {
		hideError();
		renderChips();
		loadWhatif();
		loadDiagram();
		if (state.detailId !== null)
			showDetail(state.detailId, false);
	}

	function renderChips() {
		const ul = $('chips');
		clear(ul);
		const all = [];
		for (const id of state.scenario.fail)
			all.push(['fail', id]);
		for (const id of state.scenario.destroy)
			all.push(['destroy', id]);
		for (const [kind, id] of all) {
			const bad = state.unknown.includes(id);
			const b = el('button', {
				class: 'chip chip-' + kind + (bad ? ' chip-unknown' : ''),
				attrs: {
					type: 'button',
					'aria-label': 'Remove ' + (kind === 'fail' ? 'failed' : 'destroyed') + ' node ' + shown(id) + ' from the scenario',
					title: bad ? 'unknown id: remove it' : 'remove from the scenario',
				},
			}, el('span', { class: 'chip-kind', text: kind }), el('span', { class: 'chip-id', text: shown(id) }),
			el('span', { class: 'chip-x', text: '×', attrs: { 'aria-hidden': 'true' } }));
			const at = ul.children.length;
			b.addEventListener('click', () => {
				removeFromScenario(id);
				// The focus goes to the chip that took this one's place (or
				// the search box), not to the page's top.
				const left = $('chips').querySelectorAll('.chip');
				(left[Math.min(at, left.length - 1)] || $('q')).focus();
			});
			ul.append(el('li', null, b));
		}
		const n = all.length;
		$('chips-empty').hidden = n > 0;
		$('download').disabled = n === 0;
		$('clear').disabled = n === 0;
		const open = $('diagram-open');
		const q = query(scenarioParams());
		open.setAttribute('href', '/api/diagram' + (q ? '?' + q : ''));
		document.title = n ? 'fallout: ' + all.map(([k, id]) => k + ' ' + shown(id)).join(' + ') : 'fallout explorer';
	}

	async function loadWhatif() {
		if (whatifCtl)
			whatifCtl.abort();
		const ctl = new AbortController();
		whatifCtl = ctl;
		const params = scenarioParams().concat([['list', state.list], ['offset', String(state.offset)], ['limit', String(PAGE)]]);
		// The last answer stays, dimmed, until the new one comes.
		const col = $('impact');
		col.classList.add('stale');
		col.setAttribute('aria-busy', 'true');
		if (!$('summary').firstChild)
			$('summary').append(el('p', { class: 'lead muted', text: 'Computing the impact…' }));
		try {
			const w = await api('whatif', params, ctl.signal);
			if (ctl !== whatifCtl)
				return;
			col.classList.remove('stale');
			col.setAttribute('aria-busy', 'false');
			renderSummary(w);
			renderTenants(w.by_tenant || []);
			renderTiers(w.by_tier || []);
			renderHits(w);
		} catch (e) {
			if (ctl !== whatifCtl || e.name === 'AbortError')
				return;
			col.classList.remove('stale');
			col.setAttribute('aria-busy', 'false');
			if (e instanceof ApiError && e.code === 'unknown-id') {
				state.unknown = e.ids;
				renderChips();
			}
			renderSummaryError(e);
			showError(e, 'what-if');
		}
	}

	function scenarioWords() {
		const words = [];
		for (const id of state.scenario.fail)
			words.push(shown(id) + ' fails');
		for (const id of state.scenario.destroy)
			words.push(shown(id) + ' is destroyed');
		return words.join(', ');
	}

	function renderSummary(w) {
		const s = w.summary;
		// Outside the live region: a time is not news.
		const us = w.elapsed_us;
		$('engine').textContent = typeof us !== 'number' ? '' : 'the engine answered in ' +
			(us < 1000 ? fmt(us) + ' µs' : us < 10000000 ? (us / 1000).toFixed(1) + ' ms' : (us / 1e6).toFixed(1) + ' s');
		const box = $('summary');
		clear(box);
		const empty = !state.scenario.fail.length && !state.scenario.destroy.length;
		if (empty) {
			box.append(el('p', { class: 'lead', text: 'Nothing fails: all ' + fmt(s.nodes) + ' nodes are up.' }));
			return;
		}
		const lead = el('p', { class: 'lead' });
		lead.append(document.createTextNode('If ' + scenarioWords() + ': '),
			el('strong', { text: plural(s.apps_down, 'app') + ' down' }),
			document.createTextNode(', ' + fmt(s.apps_degraded) + ' degraded, ' + fmt(s.apps_at_risk) + ' at risk' +
				(s.apps_lost ? ', ' + fmt(s.apps_lost) + ' lose data' : '') + '; ' + fmt(s.down) + ' of ' + fmt(s.nodes) + ' nodes down' +
				(s.lost ? ', ' + fmt(s.lost) + ' lost' : '') + '.'));
		box.append(lead);
		const tiles = el('dl', { class: 'tiles' });
		const tile = (label, n, cls) => tiles.append(el('div', { class: 'tile ' + cls + (n ? '' : ' zero') },
			el('dt', { text: label }), el('dd', { text: fmt(n) })));
		tile('apps down', s.apps_down, 'st-down');
		tile('apps lost data', s.apps_lost, 'st-lost');
		tile('apps degraded', s.apps_degraded, 'st-degraded');
		tile('apps at risk', s.apps_at_risk, 'st-at-risk');
		tile('nodes down', s.down, 'st-down');
		tile('nodes lost', s.lost, 'st-lost');
		tile('nodes degraded', s.degraded, 'st-degraded');
		tile('nodes at risk', s.at_risk, 'st-at-risk');
		box.append(tiles);
	}

	function renderSummaryError(e) {
		const box = $('summary');
		clear(box);
		box.append(el('p', { class: 'lead bad', text: 'No result: ' + (e.message ? shown(e.message) : 'error') }));
		clear($('by-tenant').tBodies[0]);
		clear($('by-tier').tBodies[0]);
		clear($('hits'));
		$('hit-count').textContent = '';
		$('page').textContent = '';
		$('prev').disabled = true;
		$('next').disabled = true;
	}

	function numCell(n, cls) {
		return el('td', { class: n ? cls : 'zero', text: fmt(n || 0) });
	}

	function renderTenants(rows) {
		const tb = $('by-tenant').tBodies[0];
		clear(tb);
		if (!rows.length) {
			tb.append(el('tr', null, el('td', { class: 'muted', text: 'no tenant is hit', attrs: { colspan: 6 } })));
			return;
		}
		for (const r of rows) {
			let name;
			if (r.tenant === null)
				name = el('em', { text: plural(r.others || 0, 'other tenant') });
			else if (r.tenant === '')
				name = el('em', { text: '(no tenant)' });
			else
				name = document.createTextNode(shown(r.tenant));
			tb.append(el('tr', null, el('th', { attrs: { scope: 'row' } }, name),
				numCell(r.apps_down, 'st-down'), numCell(r.apps_lost, 'st-lost'),
				numCell(r.apps_degraded, 'st-degraded'), numCell(r.apps_at_risk, 'st-at-risk'),
				numCell(r.nodes, '')));
		}
	}

	function renderTiers(rows) {
		const tb = $('by-tier').tBodies[0];
		clear(tb);
		if (!rows.length) {
			tb.append(el('tr', null, el('td', { class: 'muted', text: 'no app is hit', attrs: { colspan: 5 } })));
			return;
		}
		for (const r of rows)
			tb.append(el('tr', null, el('th', { attrs: { scope: 'row' }, text: r.tier ? 'tier ' + r.tier : 'no tier' }),
				numCell(r.apps_down, 'st-down'), numCell(r.apps_lost, 'st-lost'),
				numCell(r.apps_degraded, 'st-degraded'), numCell(r.apps_at_risk, 'st-at-risk')));
	}

	function renderHits(w) {
		const ul = $('hits');
		clear(ul);
		const nodes = w.list === 'nodes';
		$('hit-h').textContent = nodes ? 'Nodes hit' : 'Apps hit';
		const total = w.total || 0;
		const count = nodes ? plural(total, 'impacted node') : plural(total, 'app') + ' hit';
		$('hit-count').textContent = total ? count + '; open one for its why chain.' :
			(state.scenario.fail.length || state.scenario.destroy.length ? (nodes ? 'No impacted node.' : 'No app hit.') : '');
		for (const it of w.items || [])
			ul.append(hitItem(it));
		const from = total ? w.offset + 1 : 0;
		const to = Math.min(w.offset + (w.items || []).length, total);
		$('page').textContent = total > PAGE ? fmt(from) + '–' + fmt(to) + ' of ' + fmt(total) : '';
		$('prev').disabled = w.offset <= 0;
		$('next').disabled = to >= total;
	}

	function hitItem(it) {
		const li = el('li', { class: 'hit' });
		const d = el('details');
		const sum = el('summary');
		sum.append(...stateBadge(it.state, it.flags), el('span', { class: 'hit-id', text: shown(it.id) }));
		if (it.name)
			sum.append(el('span', { class: 'hit-name', text: shown(it.name) }));
		const meta = [];
		if (it.tenant)
			meta.push(shown(it.tenant));
		if (it.tier)
			meta.push('tier ' + it.tier);
		if (it.kind && it.kind !== 'app')
			meta.push(shown(it.kind));
		if (meta.length)
			sum.append(el('span', { class: 'hit-meta', text: meta.join(' · ') }));
		d.append(sum);
		const body = el('div', { class: 'why' });
		d.append(body);
		let loaded = false;
		d.addEventListener('toggle', () => {
			if (d.open && !loaded) {
				loaded = true;
				loadWhy(it.id, body);
			}
		});
		li.append(d);
		return li;
	}

	async function loadWhy(id, body) {
		clear(body);
		body.append(el('p', { class: 'muted', text: 'Asking why…' }));
		try {
			const w = await api('why', [['node', id]].concat(scenarioParams()));
			clear(body);
			const ol = el('ol', { class: 'chain', attrs: { 'aria-label': 'Why ' + shown(id) + ' is ' + w.state } });
			for (const step of w.chain || []) {
				const li = el('li');
				li.append(nodeLink(step.id), ' ', ...stateBadge(step.state));
				const g = step.group;
				if (g && step.cause !== null && step.cause !== undefined)
					li.append(el('span', { class: 'group', text: groupWords(g) }));
				ol.append(li);
			}
			body.append(ol);
			if (w.text)
				body.append(el('pre', { class: 'whytext', text: w.text }));
			const showBtn = el('button', { class: 'small-btn', text: 'Show this node', attrs: { type: 'button' } });
			showBtn.addEventListener('click', () => showDetail(id, true));
			body.append(showBtn);
		} catch (e) {
			clear(body);
			if (e.name === 'AbortError')
				return;
			body.append(el('p', { class: 'bad', text: 'why: ' + shown(e.message) }));
			showError(e, 'why');
		}
	}

	// "requires 2 of 3 (1 up)", "located in", "depends softly on"...: the
	// group of a chain step, in the words of `whatif --why`.
	function groupWords(g) {
		const t = g.type === 'located-in' ? 'located in' : g.type;
		return g.n > 1 ? t + ' ' + g.k + ' of ' + g.n + ' (' + g.up + ' up)' : t;
	}

	// ------------------------------------------------------------ detail
	let detailCtl = null;

	async function showDetail(id, scroll) {
		state.detailId = id;
		if (detailCtl)
			detailCtl.abort();
		const ctl = new AbortController();
		detailCtl = ctl;
		try {
			const n = await api('node', [['id', id]].concat(scenarioParams()), ctl.signal);
			if (ctl !== detailCtl)
				return;
			renderDetail(n);
			if (scroll) {
				const sec = $('detail');
				if (sec.scrollIntoView)
					sec.scrollIntoView({ block: 'nearest' });
			}
		} catch (e) {
			if (ctl !== detailCtl || e.name === 'AbortError')
				return;
			// A node of an estate that is not this one's: say so in the panel.
			const body = $('detail-body');
			clear(body);
			body.append(el('p', { class: 'bad', text: 'No detail for ' + shown(id) + ': ' + shown(e.message) }));
			if (!(e instanceof ApiError && e.code === 'unknown-id'))
				showError(e, 'node');
		}
	}

	function renderDetail(n) {
		const body = $('detail-body');
		clear(body);
		const head = el('div', { class: 'detail-head' });
		head.append(el('h3', { class: 'detail-id', text: shown(n.id) }));
		if (n.name)
			head.append(el('p', { class: 'detail-name', text: shown(n.name) }));
		const badges = el('p', { class: 'badges' }, ...stateBadge(n.state, n.flags));
		head.append(badges);
		body.append(head);

		const actions = el('div', { class: 'actions' });
		const role = inScenario(n.id);
		if (role) {
			const b = el('button', { class: 'primary', text: 'Remove from the scenario', attrs: { type: 'button', id: 'act-remove' } });
			b.addEventListener('click', () => removeFromScenario(n.id));
			actions.append(b);
		}
		if (role !== 'fail') {
			const f = el('button', { class: 'primary act-fail', text: 'Fail', attrs: { type: 'button', id: 'act-fail' } });
			f.addEventListener('click', () => addToScenario('fail', n.id));
			actions.append(f);
		}
		if (role !== 'destroy') {
			const d = el('button', { class: 'act-destroy', text: 'Destroy', attrs: { type: 'button', id: 'act-destroy', title: 'destroy it with everything located in it' } });
			d.addEventListener('click', () => addToScenario('destroy', n.id));
			actions.append(d);
		}
		body.append(actions);

		const dl = el('dl', { class: 'facts' });
		const fact = (k, v) => {
			if (v === null || v === undefined || v === '')
				return;
			dl.append(el('dt', { text: k }), el('dd', null, typeof v === 'object' ? v : document.createTextNode(String(v))));
		};
		fact('kind', shown(n.kind));
		fact('tenant', n.tenant !== null ? shown(n.tenant) : null);
		fact('tier', n.tier ? String(n.tier) : null);
		fact('located in', n.container !== null && n.container !== undefined ? nodeLink(n.container) : null);
		fact('line', n.line ? String(n.line) : null);
		for (const p of n.props || [])
			fact(shown(p.key), shown(p.value));
		body.append(dl);

		// Dependencies: one block per group.
		const deps = n.dependencies || [];
		body.append(el('h4', { text: 'Depends on' + (deps.length ? '' : ': nothing') }));
		if (deps.length) {
			const ul = el('ul', { class: 'groups' });
			for (const g of deps) {
				const li = el('li');
				const head = el('span', { class: 'group-head' + (g.up < g.k ? ' short' : ''), text: groupWords(g) });
				const members = g.members || [];
				if (members.length === 1 && g.n === 1) {
					// One member: one line.
					li.className = 'single';
					li.append(head, ' ', ...memberItem(members[0]).childNodes);
				} else {
					li.append(head);
					const ml = el('ul', { class: 'members' });
					for (const m of members)
						ml.append(memberItem(m));
					li.append(ml);
				}
				ul.append(li);
			}
			body.append(ul);
		}
		if (n.kind === 'app')
			body.append(spofBlock(n.id));
		body.append(neighbours('Dependents', n.dependents));
		if (n.children && n.children.total)
			body.append(neighbours('Located here', n.children));
	}

	// An app's single points of failure (/api/spof), on demand: the first
	// request of a large estate computes the SPOF structure (seconds).
	function spofBlock(app) {
		const box = el('div', { class: 'spof' });
		const b = el('button', { class: 'small-btn', text: 'Single points of failure', attrs: { type: 'button', id: 'act-spof' } });
		b.addEventListener('click', async () => {
			b.disabled = true;
			const out = el('div', { class: 'spof-body', attrs: { 'aria-live': 'polite' } }, el('p', { class: 'muted', text: 'Looking for single points of failure…' }));
			box.append(out);
			try {
				const r = await api('spof', [['app', app]]);
				clear(out);
				const doc = r.spofs || {};
				const entry = (doc.apps || []).find((a) => a.id === app) || { spof: [], data_loss: [] };
				const rank = new Map((doc.ranking || []).map((x) => [x.id, x]));
				const ids = entry.spof || [];
				out.append(el('h4', { text: ids.length ? plural(ids.length, 'single point', 'single points') + ' of failure' : 'No single point of failure' }));
				if (ids.length) {
					const ul = el('ul', { class: 'members' });
					for (const id of ids) {
						const x = rank.get(id);
						ul.append(el('li', null, nodeLink(id), x && x.kind ? el('span', { class: 'kind', text: shown(x.kind) }) : null,
							x ? el('span', { class: 'kind', text: 'alone takes ' + plural(x.apps_down, 'app') + ' down' }) : null));
					}
					out.append(ul);
				}
				const loss = entry.data_loss || [];
				if (loss.length) {
					out.append(el('h4', { text: 'Data lost by one destruction' }));
					const ul = el('ul', { class: 'members' });
					for (const d of loss)
						ul.append(el('li', null, typeof d === 'string' ? nodeLink(d) : el('code', { text: shown(JSON.stringify(d)) })));
					out.append(ul);
				}
			} catch (e) {
				clear(out);
				out.append(el('p', { class: 'bad', text: 'SPOF: ' + shown(e.message) }));
				showError(e, 'spof');
				b.disabled = false;
			}
		});
		box.append(b);
		return box;
	}

	function memberItem(m) {
		return el('li', null, nodeLink(m.id), ' ', ...stateBadge(m.state), m.kind ? el('span', { class: 'kind', text: shown(m.kind) }) : null);
	}

	function neighbours(title, page) {
		const frag = document.createDocumentFragment();
		const total = page ? page.total : 0;
		const items = page ? page.items || [] : [];
		frag.append(el('h4', { text: title + ': ' + (total ? fmt(total) : 'none') + (items.length < total ? ' (first ' + fmt(items.length) + ' shown)' : '') }));
		if (items.length) {
			const ul = el('ul', { class: 'members' });
			for (const m of items)
				ul.append(memberItem(m));
			frag.append(ul);
		}
		return frag;
	}

	// ------------------------------------------------------------ diagram
	// Graphviz SVG, parsed as XML and copied into the page through an
	// allow-list of elements and attributes: no script, no event handler,
	// no link, no style attribute (the CSP forbids them), no foreign
	// content. xlink:title tooltips become <title> children so that they
	// show on hover.
	const SVG_ELEMENTS = new Set(['svg', 'g', 'title', 'desc', 'a', 'path', 'polygon', 'polyline', 'ellipse',
		'circle', 'rect', 'line', 'text', 'tspan', 'defs', 'lineargradient', 'radialgradient', 'stop']);
	const SVG_ATTRS = new Set(['id', 'class', 'viewbox', 'transform', 'fill', 'fill-opacity', 'stroke',
		'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin', 'd', 'points',
		'cx', 'cy', 'rx', 'ry', 'r', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'width', 'height', 'text-anchor',
		'font-family', 'font-size', 'font-weight', 'font-style', 'text-decoration', 'dominant-baseline',
		'offset', 'stop-color', 'stop-opacity', 'gradientunits', 'gradienttransform', 'opacity',
		'preserveaspectratio', 'baseline-shift', 'letter-spacing']);

	function sanitizeSVG(src) {
		const doc = new DOMParser().parseFromString(src, 'image/svg+xml');
		const root = doc.documentElement;
		if (!root || root.localName !== 'svg' || root.namespaceURI !== SVG_NS || doc.getElementsByTagName('parsererror').length)
			throw new Error('the diagram is not SVG');
		return copySVG(root);
	}

	function copySVG(src) {
		const name = src.localName;
		if (src.namespaceURI !== SVG_NS || !SVG_ELEMENTS.has(name.toLowerCase()))
			return null;
		const out = document.createElementNS(SVG_NS, name);
		for (const a of Array.from(src.attributes)) {
			const an = a.localName.toLowerCase();
			if (a.namespaceURI === XLINK_NS && an === 'title')
				continue; // becomes a <title> below
			if (a.namespaceURI !== null || !SVG_ATTRS.has(an))
				continue;
			out.setAttribute(a.localName, a.value);
		}
		const tip = src.getAttributeNS(XLINK_NS, 'title');
		if (name === 'a' && tip) {
			const t = document.createElementNS(SVG_NS, 'title');
			t.textContent = tip;
			out.append(t);
		}
		for (const c of Array.from(src.childNodes)) {
			if (c.nodeType === Node.TEXT_NODE) {
				out.append(document.createTextNode(c.nodeValue));
			} else if (c.nodeType === Node.ELEMENT_NODE) {
				const k = copySVG(c);
				if (k)
					out.append(k);
			}
		}
		return out;
	}

	async function loadDiagram() {
		if (diagramCtl)
			diagramCtl.abort();
		const ctl = new AbortController();
		diagramCtl = ctl;
		const box = $('diagram');
		box.classList.add('stale');
		box.setAttribute('aria-busy', 'true');
		$('diagram-note').textContent = 'Drawing…';
		try {
			const text = await api('diagram', scenarioParams(), ctl.signal, true);
			if (ctl !== diagramCtl)
				return;
			const svg = sanitizeSVG(text);
			const vb = (svg.getAttribute('viewBox') || '').trim().split(/[\s,]+/).map(Number);
			// Graphviz sizes are in pt; 1 pt = 4/3 px.
			let w = vb.length === 4 ? vb[2] : parseFloat(svg.getAttribute('width')) || 800;
			let h = vb.length === 4 ? vb[3] : parseFloat(svg.getAttribute('height')) || 600;
			state.natural = { w: w * 4 / 3, h: h * 4 / 3 };
			svg.removeAttribute('width');
			svg.removeAttribute('height');
			svg.setAttribute('role', 'img');
			svg.setAttribute('aria-label', 'Diagram of the scenario');
			clear(box);
			box.append(svg);
			box.classList.remove('stale');
			box.setAttribute('aria-busy', 'false');
			const nodes = svg.querySelectorAll('g.node').length;
			const clusters = svg.querySelectorAll('g.cluster').length;
			$('diagram-note').textContent = plural(nodes, 'box', 'boxes') + (clusters ? ', ' + plural(clusters, 'container') : '') +
				'. Drag to pan; Ctrl+wheel or + − to zoom; hover for details, click for the node.';
			state.scale = null;
			applyZoom();
		} catch (e) {
			if (ctl !== diagramCtl || e.name === 'AbortError')
				return;
			clear(box);
			box.classList.remove('stale');
			box.setAttribute('aria-busy', 'false');
			box.classList.add('short');
			state.natural = null;
			box.append(el('p', { class: 'bad pad', text: 'No diagram: ' + shown(e.message) }));
			$('diagram-note').textContent = '';
			if (!(e instanceof ApiError && e.code === 'unknown-id'))
				showError(e, 'diagram');
		}
	}

	// The id a Graphviz tooltip of `fallout render` names: "ID (KIND): STATE…"
	// for a node or a container, "N KIND nodes in ID" for a box of the map.
	// An id may itself hold " (x): ", so the candidate is checked with an
	// exact search before it is opened; nothing happens when it is not one.
	async function openFromTooltip(tip) {
		const line = tip.split('\n')[0];
		let m = /^(.*) \(([^()]*)\): /.exec(line);
		let id = m ? m[1] : null;
		if (id === null) {
			m = /^[0-9][0-9,]* .* nodes? in (.*)$/.exec(line);
			id = m ? m[1] : null;
		}
		// (The search takes at most 200 bytes: a longer id is not looked up.)
		if (id === null || id === '' || new TextEncoder().encode(id).length > 200)
			return;
		try {
			const r = await api('search', [['q', id], ['limit', '1']]);
			if (r.results && r.results.length && r.results[0].id === id)
				showDetail(id, true);
		} catch (e) {
			showError(e, 'search');
		}
	}

	function fitScale() {
		const box = $('diagram');
		if (!state.natural)
			return 1;
		const cw = Math.max(box.clientWidth - 4, 50);
		const ch = Math.max(box.clientHeight - 4, 50);
		return Math.min(cw / state.natural.w, ch / state.natural.h, 1.5);
	}

	// Zoom sets the SVG's width and height attributes (presentation
	// attributes, allowed by the CSP); the box scrolls to pan.
	function applyZoom(cx, cy) {
		const box = $('diagram');
		const svg = box.querySelector('svg');
		if (!svg || !state.natural)
			return;
		const old = svg.getBoundingClientRect();
		// Fit measures the full-height box; a wide, flat drawing then
		// shrinks the box to its height (class "short") instead of leaving
		// a blank under it.
		box.classList.remove('short');
		const s = state.scale === null ? fitScale() : state.scale;
		const h = Math.max(1, Math.round(state.natural.h * s));
		svg.setAttribute('width', String(Math.max(1, Math.round(state.natural.w * s))));
		svg.setAttribute('height', String(h));
		if (state.scale === null && h < box.clientHeight - 40)
			box.classList.add('short');
		if (cx !== undefined && old.width > 0) {
			// Keep the point under the pointer where it was.
			const fx = (cx - old.left) / old.width;
			const fy = (cy - old.top) / old.height;
			const now = svg.getBoundingClientRect();
			box.scrollLeft += (now.left + fx * now.width) - cx;
			box.scrollTop += (now.top + fy * now.height) - cy;
		}
		$('zoom-fit').setAttribute('aria-pressed', state.scale === null ? 'true' : 'false');
	}

	function zoomBy(f, cx, cy) {
		const cur = state.scale === null ? fitScale() : state.scale;
		state.scale = Math.min(8, Math.max(0.02, cur * f));
		applyZoom(cx, cy);
	}

	function setupDiagram() {
		const box = $('diagram');
		$('zoom-in').addEventListener('click', () => zoomBy(1.25));
		$('zoom-out').addEventListener('click', () => zoomBy(0.8));
		$('zoom-fit').addEventListener('click', () => { state.scale = null; applyZoom(); });
		$('zoom-1').addEventListener('click', () => { state.scale = 1; applyZoom(); });
		// Wide: the detail and the diagram take the page's whole width, above
		// the impact (large maps are wide).
		$('wide').addEventListener('click', () => {
			const on = document.querySelector('main.layout').classList.toggle('wide');
			$('wide').setAttribute('aria-pressed', on ? 'true' : 'false');
			if (state.scale === null)
				applyZoom();
		});
		box.addEventListener('wheel', (ev) => {
			if (!ev.ctrlKey && !ev.metaKey)
				return;
			ev.preventDefault();
			zoomBy(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX, ev.clientY);
		}, { passive: false });
		box.addEventListener('keydown', (ev) => {
			if (ev.key === '+' || ev.key === '=') {
				zoomBy(1.25);
				ev.preventDefault();
			} else if (ev.key === '-') {
				zoomBy(0.8);
				ev.preventDefault();
			} else if (ev.key === '0') {
				state.scale = null;
				applyZoom();
				ev.preventDefault();
			}
		});
		let drag = null;
		let moved = false;
		box.addEventListener('pointerdown', (ev) => {
			if (ev.button !== 0)
				return;
			drag = { x: ev.clientX, y: ev.clientY, l: box.scrollLeft, t: box.scrollTop, id: ev.pointerId };
			moved = false;
			box.classList.add('dragging');
		});
		box.addEventListener('pointermove', (ev) => {
			if (!drag || ev.pointerId !== drag.id)
				return;
			if (!box.hasPointerCapture(ev.pointerId) && Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) {
				box.setPointerCapture(ev.pointerId);
				moved = true;
			}
			box.scrollLeft = drag.l - (ev.clientX - drag.x);
			box.scrollTop = drag.t - (ev.clientY - drag.y);
		});
		const stop = () => {
			drag = null;
			box.classList.remove('dragging');
		};
		box.addEventListener('pointerup', stop);
		// A click (not a drag) on a node or a container of the drawing opens
		// it in the detail; a box of the map opens the container it sums.
		box.addEventListener('click', (ev) => {
			if (moved)
				return;
			const a = ev.target.closest && ev.target.closest('svg a');
			const t = a && a.querySelector(':scope > title');
			if (t)
				openFromTooltip(t.textContent);
		});
		box.addEventListener('pointercancel', stop);
		let t = null;
		window.addEventListener('resize', () => {
			clearTimeout(t);
			t = setTimeout(() => {
				if (state.scale === null)
					applyZoom();
			}, 100);
		});
	}

	// ------------------------------------------------------------ search
	function setupSearch() {
		const input = $('q');
		const list = $('q-list');
		let timer = null;
		let ctl = null;
		let results = [];
		let active = -1;
		let fresh = false;        // results are those of the text in the box
		let enterPending = false; // Enter came before the results of the text

		function close() {
			list.hidden = true;
			clear(list);
			results = [];
			fresh = false;
			input.setAttribute('aria-expanded', 'false');
			input.removeAttribute('aria-activedescendant');
			active = -1;
		}

		function setActive(i) {
			const opts = list.querySelectorAll('[role=option]');
			if (!opts.length)
				return;
			active = (i + opts.length) % opts.length;
			opts.forEach((o, j) => o.setAttribute('aria-selected', j === active ? 'true' : 'false'));
			input.setAttribute('aria-activedescendant', opts[active].id);
			opts[active].scrollIntoView({ block: 'nearest' });
		}

		function choose(i) {
			const r = results[i];
			if (!r)
				return;
			close();
			input.value = '';
			showDetail(r.id, true).then(() => {
				const f = $('act-fail') || $('act-remove');
				if (f)
					f.focus();
			});
		}

		function render(data) {
			clear(list);
			results = data.results || [];
			active = -1;
			if (!results.length) {
				list.append(el('li', { class: 'none', text: 'No node matches ' + shown(data.query), attrs: { role: 'presentation' } }));
			}
			results.forEach((r, i) => {
				const li = el('li', { attrs: { role: 'option', id: 'q-opt-' + i, 'aria-selected': 'false' } },
					el('span', { class: 'opt-id', text: shown(r.id) }),
					r.name ? el('span', { class: 'opt-name', text: shown(r.name) }) : null,
					el('span', { class: 'opt-meta', text: [shown(r.kind), r.tenant ? shown(r.tenant) : null, r.tier ? 'tier ' + r.tier : null].filter(Boolean).join(' · ') }));
				// mousedown, not click: the input keeps the focus.
				li.addEventListener('mousedown', (ev) => {
					ev.preventDefault();
					choose(i);
				});
				list.append(li);
			});
			if (data.total > results.length)
				list.append(el('li', { class: 'more', text: fmt(data.total - results.length) + ' more: type more to narrow', attrs: { role: 'presentation' } }));
			list.hidden = false;
			fresh = true;
			input.setAttribute('aria-expanded', 'true');
			$('q-status').textContent = data.total ? plural(data.total, 'match', 'matches') : 'no match';
			if (enterPending) {
				enterPending = false;
				if (results.length)
					choose(0);
			}
		}

		async function ask() {
			const text = input.value;
			if (ctl)
				ctl.abort();
			if (!text.trim()) {
				enterPending = false;
				close();
				return;
			}
			ctl = new AbortController();
			const mine = ctl;
			try {
				const data = await api('search', [['q', text], ['limit', '20']], mine.signal);
				if (mine !== ctl || input.value !== text)
					return;
				render(data);
			} catch (e) {
				if (e.name !== 'AbortError') {
					enterPending = false;
					showError(e, 'search');
				}
			}
		}

		input.addEventListener('input', () => {
			fresh = false;
			clearTimeout(timer);
			timer = setTimeout(ask, SEARCH_DELAY);
		});
		input.addEventListener('keydown', (ev) => {
			if (ev.key === 'ArrowDown') {
				if (list.hidden)
					ask();
				else
					setActive(active + 1);
				ev.preventDefault();
			} else if (ev.key === 'ArrowUp') {
				if (!list.hidden)
					setActive(active - 1);
				ev.preventDefault();
			} else if (ev.key === 'Enter') {
				ev.preventDefault();
				// Enter opens the chosen option, or the first; typed faster
				// than the search answers, it waits for the answer of the
				// text in the box, never a list of an older text.
				if (!list.hidden && results.length && fresh)
					choose(active >= 0 ? active : 0);
				else if (input.value.trim()) {
					enterPending = true;
					clearTimeout(timer);
					ask();
				}
			} else if (ev.key === 'Escape') {
				if (!list.hidden)
					close();
				else
					input.value = '';
				ev.preventDefault();
			}
		});
		input.addEventListener('blur', () => setTimeout(() => {
			if (document.activeElement !== input)
				close();
		}, 150));
	}

	// ------------------------------------------------------------ download
	async function download() {
		const params = scenarioParams();
		if (!params.length)
			return;
		try {
			const text = await api('scenario', params, undefined, true);
			const blob = new Blob([text], { type: 'application/xml' });
			const url = URL.createObjectURL(blob);
			const a = el('a', { attrs: { href: url, download: 'scenario.xml' } });
			document.body.append(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(url), 10000);
		} catch (e) {
			showError(e, 'download');
		}
	}

	// ------------------------------------------------------------ start
	async function loadInfo() {
		try {
			const i = await api('info');
			const p = $('estate');
			clear(p);
			p.append(el('strong', { text: shown(i.name || i.file || 'estate') }),
				document.createTextNode(' — ' + plural(i.nodes, 'node') + (typeof i.apps === 'number' ? ', ' + plural(i.apps, 'app') : '') +
					(typeof i.tenants === 'number' ? ', ' + plural(i.tenants, 'tenant') : '')));
			if (i.version)
				$('version').textContent = i.version + (i.file ? ' · ' + shown(i.file) : '');
		} catch (e) {
			$('estate').textContent = 'estate unknown';
			showError(e, 'info');
		}
	}

	function start() {
		setupSearch();
		setupDiagram();
		$('download').addEventListener('click', download);
		$('clear').addEventListener('click', () => go({ fail: [], destroy: [] }));
		$('error-close').addEventListener('click', hideError);
		$('prev').addEventListener('click', () => {
			state.offset = Math.max(0, state.offset - PAGE);
			loadWhatif();
		});
		$('next').addEventListener('click', () => {
			state.offset += PAGE;
			loadWhatif();
		});
		// A reload may restore the radio button the reader had chosen.
		const checked = document.querySelector('input[name=list]:checked');
		if (checked && (checked.value === 'apps' || checked.value === 'nodes'))
			state.list = checked.value;
		for (const r of document.querySelectorAll('input[name=list]'))
			r.addEventListener('change', () => {
				if (r.checked) {
					state.list = r.value;
					state.offset = 0;
					loadWhatif();
				}
			});
		window.addEventListener('popstate', applyURL);
		window.addEventListener('hashchange', applyURL);
		loadInfo();
		applyURL();
	}

	start();
}());
