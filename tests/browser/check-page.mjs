// Opens one HTML page (fallout's self-contained report) in headless Chromium
// and checks the contract the issue asks for: it opens without console errors,
// needs no network, and shows its Graphviz diagrams.
//
//   node check-page.mjs PAGE.html --min-svg N [--screenshot OUT.png]
//
// Fails (exit 1, every problem listed on stderr) on: a console message of type
// error or warning; an uncaught exception (pageerror); a dialog; a crash; any
// request other than the page's own file:// URL or a data: URL (aborted before
// it leaves, then reported: the page must be self-contained); any failed
// request; a missing or empty <title>; fewer than N diagrams shown. A diagram
// is an <svg> that is not nested in another, has a box wider and taller than
// 0, is visible (CSS display, visibility, opacity, closed <details>) and holds
// at least one Graphviz node (g.node) that has a box of its own.
// Exit 0 with a one-line summary on success; 2 on usage errors; 3 when
// Chromium cannot be launched (the reason on stderr).
//
// The browser is Debian's chromium (CHROMIUM overrides /usr/bin/chromium),
// driven by playwright-core, which never downloads a browser of its own. Each
// run gets a fresh temporary profile, removed afterwards.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TIMEOUT_MS = 30000;
const USAGE = 'usage: node check-page.mjs PAGE.html --min-svg N [--screenshot OUT.png]';

function usage(msg) {
	if (msg)
		process.stderr.write(`check-page: ${msg}\n`);
	process.stderr.write(`${USAGE}\n`);
	process.exit(2);
}

function parseArgs(argv) {
	const opts = { page: null, minSvg: null, screenshot: null };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--min-svg' || a === '--screenshot') {
			if (i + 1 >= argv.length)
				usage(`${a} needs a value`);
			const v = argv[++i];
			if (a === '--screenshot') {
				opts.screenshot = v;
			} else {
				if (!/^[0-9]+$/.test(v))
					usage(`--min-svg wants a whole number, not '${v}'`);
				opts.minSvg = Number(v);
			}
		} else if (a === '-h' || a === '--help') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		} else if (a.startsWith('-')) {
			usage(`unknown option '${a}'`);
		} else if (opts.page === null) {
			opts.page = a;
		} else {
			usage(`more than one page: '${opts.page}' and '${a}'`);
		}
	}
	if (opts.page === null)
		usage('no page given');
	if (opts.minSvg === null)
		usage('--min-svg N is required');
	return opts;
}

const opts = parseArgs(process.argv.slice(2));
const pagePath = path.resolve(opts.page);
try {
	if (!fs.statSync(pagePath).isFile())
		usage(`'${opts.page}' is not a file`);
} catch (e) {
	usage(`cannot read '${opts.page}': ${e.code || e.message}`);
}
const pageURL = pathToFileURL(pagePath).href;
const name = path.basename(pagePath);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// The profile goes away however the run ends (the 'exit' handler is
// synchronous, so it also runs after process.exit from a signal handler).
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fallout-browser-'));
process.on('exit', () => fs.rmSync(profile, { recursive: true, force: true }));

// A page that hangs Chromium must not hang `make check`.
const watchdog = setTimeout(() => {
	process.stderr.write(`browser: ${name}: no result after ${4 * TIMEOUT_MS / 1000} s, giving up\n`);
	process.exit(1);
}, 4 * TIMEOUT_MS);
watchdog.unref();

const problems = [];
const blocked = new Set();
let consoleCount = 0;

function where(loc) {
	if (!loc || !loc.url)
		return '';
	const file = loc.url === pageURL ? name : loc.url;
	return ` (${file}:${(loc.lineNumber || 0) + 1})`;
}

function allowed(url) {
	if (url.startsWith('data:'))
		return true;
	// The page itself, ignoring a #fragment (in-page links).
	return url.split('#')[0] === pageURL;
}

function block(url) {
	if (blocked.has(url))
		return;
	blocked.add(url);
	problems.push(`network: the page requested ${url} (blocked: the page must be self-contained)`);
}

let context;
try {
	context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		args: [
			'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync',
		],
		timeout: TIMEOUT_MS,
		viewport: { width: 1280, height: 900 },
	});
} catch (e) {
	// Playwright's message carries the browser's own log: keep its lines,
	// without colour codes, and shorten the long command line.
	const reason = String(e && e.message || e).replace(/\x1b\[[0-9;]*m/g, '').split('\n')
		.map((l) => l.trim()).filter(Boolean).slice(0, 20)
		.map((l) => l.length > 160 ? `${l.slice(0, 160)}...` : l).join('\n  ');
	process.stderr.write(`browser: cannot launch chromium (${executablePath}):\n  ${reason}\n`);
	process.exit(3);
}

let exitCode = 0;
try {
	context.setDefaultTimeout(TIMEOUT_MS);
	context.setDefaultNavigationTimeout(TIMEOUT_MS);

	// Everything but the page itself and data: URLs is aborted before it
	// leaves the browser, and reported.
	await context.route('**/*', (route) => {
		const url = route.request().url();
		if (allowed(url))
			return route.continue();
		block(url);
		return route.abort('blockedbyclient');
	});

	const page = context.pages()[0] || await context.newPage();
	page.on('console', (msg) => {
		consoleCount++;
		const type = msg.type();
		// Chromium's own "Failed to load resource" for a request blocked
		// above is the same problem, already reported.
		if (blocked.has(msg.location().url) && msg.text().startsWith('Failed to load resource'))
			return;
		if (type === 'error' || type === 'warning')
			problems.push(`console ${type}: ${msg.text()}${where(msg.location())}`);
	});
	page.on('pageerror', (err) => {
		const first = String(err && err.stack || err).split('\n').slice(0, 3).join(' | ');
		problems.push(`page error: ${first}`);
	});
	page.on('crash', () => problems.push('the page crashed'));
	page.on('dialog', (dialog) => {
		problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
		dialog.dismiss().catch(() => {});
	});
	page.on('popup', (popup) => problems.push(`the page opened a popup: ${popup.url()}`));
	// Requests that bypass routing (or that routing missed) are still seen.
	page.on('request', (req) => {
		if (!allowed(req.url()))
			block(req.url());
	});
	page.on('requestfailed', (req) => {
		if (blocked.has(req.url()))
			return; // reported above
		const f = req.failure();
		problems.push(`request failed: ${req.url()}${f ? ` (${f.errorText})` : ''}`);
	});
	page.on('response', (res) => {
		if (res.status() >= 400)
			problems.push(`request failed: ${res.url()} (HTTP ${res.status()})`);
	});

	await page.goto(pageURL, { waitUntil: 'load', timeout: TIMEOUT_MS });
	// Fonts loaded and two frames painted: the layout the boxes come from is
	// the one a reader sees. No sleeps.
	await page.evaluate(() => document.fonts.ready.then(() => new Promise((resolve) =>
		requestAnimationFrame(() => requestAnimationFrame(() => resolve())))));

	const result = await page.evaluate(() => {
		const shown = [];
		const hidden = [];
		const svgs = [...document.querySelectorAll('svg')].filter((s) => !s.parentElement.closest('svg'));
		svgs.forEach((svg, i) => {
			const ident = svg.id ? `#${svg.id}` : (svg.getAttribute('aria-label') ||
				(svg.querySelector('title') || {}).textContent || '');
			const label = `${i + 1}${ident ? ` (${String(ident).trim().slice(0, 60)})` : ''}`;
			const r = svg.getBoundingClientRect();
			const why = [];
			if (!(r.width > 0 && r.height > 0))
				why.push(`box ${Math.round(r.width)}x${Math.round(r.height)}`);
			if (!svg.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: false }))
				why.push('not visible');
			const nodes = [...svg.querySelectorAll('g.node')];
			if (nodes.length === 0)
				why.push('no Graphviz node (g.node)');
			else if (!nodes.some((n) => { const b = n.getBoundingClientRect(); return b.width > 0 && b.height > 0; }))
				why.push('its nodes have empty boxes');
			if (why.length === 0)
				shown.push({ label, nodes: nodes.length });
			else
				hidden.push(`svg ${label}: ${why.join(', ')}`);
		});
		return { title: document.title, total: svgs.length, shown, hidden };
	});

	if (!result.title.trim())
		problems.push('the page has no <title> (or an empty one)');
	if (result.shown.length < opts.minSvg) {
		problems.push(`diagrams: ${result.shown.length} shown of ${result.total} <svg>, expected at least ${opts.minSvg}`);
		for (const h of result.hidden)
			problems.push(`  ${h}`);
	}

	if (opts.screenshot)
		await page.screenshot({ path: opts.screenshot, fullPage: true, timeout: TIMEOUT_MS });

	if (problems.length > 0) {
		process.stderr.write(`browser: ${name}: FAILED, ${problems.filter((p) => !p.startsWith(' ')).length} problem(s):\n`);
		for (const p of problems)
			process.stderr.write(`  ${p}\n`);
		exitCode = 1;
	} else {
		const n = result.shown.length;
		process.stdout.write(`browser: ${name}: ${n} diagram${n === 1 ? '' : 's'} shown, ` +
			`${consoleCount} console message${consoleCount === 1 ? '' : 's'}\n`);
	}
} catch (e) {
	process.stderr.write(`browser: ${name}: FAILED: ${String(e && e.message || e).split('\n')[0]}\n`);
	for (const p of problems)
		process.stderr.write(`  ${p}\n`);
	exitCode = 1;
} finally {
	await context.close().catch(() => {});
}
process.exit(exitCode);
