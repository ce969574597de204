// Checks what the report page of `fallout report` promises a reader
// (docs/report.md, "The page"), in headless Chromium:
//
//   node check-report.mjs DIR/index.html [--screenshot OUT.png]
//
//  - findings first: the first section after the header is #findings;
//  - the time and version: a <time datetime> in the header and a generator
//    <meta> naming fallout;
//  - every link resolves: an in-page #id names an element; a file link
//    (scenario-NNN.svg) names a file beside the page that Chromium opens
//    as an SVG with Graphviz nodes;
//  - legible diagrams: at the default zoom the smallest text of every
//    diagram renders at MIN_PX (9) CSS pixels or more (font size times the
//    SVG's scale on screen);
//  - zoom: "Fit" makes the diagram no wider than its frame, "200 %" twice
//    its natural width, "100 %" its natural width again;
//  - "Go to" links scroll the frame until the failed node is in view;
//  - print: with print media every table folded in a <details> is shown,
//    the zoom buttons are hidden, and each diagram fits the page width and
//    the page height.
// Exit 0 with a one-line summary; 1 with every problem on stderr; 2 usage;
// 3 when Chromium cannot be launched. Nothing is loaded from the network:
// only file: URLs inside the page's folder and data: URLs are allowed.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const MIN_PX = 9;
const TIMEOUT_MS = 30000;
const USAGE = 'usage: node check-report.mjs DIR/index.html [--screenshot OUT.png]';

function usage(msg) {
	if (msg)
		process.stderr.write(`check-report: ${msg}\n`);
	process.stderr.write(`${USAGE}\n`);
	process.exit(2);
}

let pageArg = null;
let screenshot = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
	if (argv[i] === '--screenshot') {
		if (i + 1 >= argv.length)
			usage('--screenshot needs a value');
		screenshot = argv[++i];
	} else if (argv[i].startsWith('-')) {
		usage(`unknown option '${argv[i]}'`);
	} else if (pageArg === null) {
		pageArg = argv[i];
	} else {
		usage('more than one page');
	}
}
if (pageArg === null)
	usage('no page given');
const pagePath = path.resolve(pageArg);
if (!fs.existsSync(pagePath) || !fs.statSync(pagePath).isFile())
	usage(`'${pageArg}' is not a file`);
const dir = path.dirname(pagePath);
const pageURL = pathToFileURL(pagePath).href;
const name = path.relative(process.cwd(), pagePath) || pagePath;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fallout-report-'));
process.on('exit', () => fs.rmSync(profile, { recursive: true, force: true }));
const watchdog = setTimeout(() => {
	process.stderr.write(`report-page: ${name}: no result after ${6 * TIMEOUT_MS / 1000} s\n`);
	process.exit(1);
}, 6 * TIMEOUT_MS);
watchdog.unref();

const problems = [];
const inDir = (url) => {
	if (url.startsWith('data:'))
		return true;
	if (!url.startsWith('file:'))
		return false;
	const p = fileURLToPath(url.split('#')[0]);
	return p === dir || p.startsWith(dir + path.sep);
};

let context;
try {
	context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		timeout: TIMEOUT_MS,
		viewport: { width: 1280, height: 900 },
	});
} catch (e) {
	process.stderr.write(`browser: cannot launch chromium: ${String(e && e.message || e).split('\n')[0]}\n`);
	process.exit(3);
}

// Two frames painted after fonts: the layout measured is the one shown.
const settle = (page) => page.evaluate(() => document.fonts.ready.then(() => new Promise((r) =>
	requestAnimationFrame(() => requestAnimationFrame(() => r())))));

let summary = '';
try {
	context.setDefaultTimeout(TIMEOUT_MS);
	await context.route('**/*', (route) => {
		const url = route.request().url();
		if (inDir(url))
			return route.continue();
		problems.push(`network: the page requested ${url}`);
		return route.abort('blockedbyclient');
	});
	const page = context.pages()[0] || await context.newPage();
	page.on('pageerror', (err) => problems.push(`page error: ${String(err).split('\n')[0]}`));
	await page.goto(pageURL, { waitUntil: 'load' });
	await settle(page);

	// --- structure: findings first, time and version
	const head = await page.evaluate(() => {
		const kids = [...document.body.children];
		const firstSection = kids.find((k) => k.tagName === 'SECTION');
		const header = document.querySelector('body > header');
		const time = header && header.querySelector('time[datetime]');
		const gen = document.querySelector('meta[name="generator"]');
		return {
			first: firstSection ? firstSection.id : null,
			headerFirst: kids[0] === header,
			h2: firstSection ? (firstSection.querySelector('h2') || {}).textContent : null,
			time: time ? time.getAttribute('datetime') : null,
			generator: gen ? gen.getAttribute('content') : null,
		};
	});
	if (head.first !== 'findings' || !head.headerFirst)
		problems.push(`findings: the first section after the header is #${head.first}, not #findings`);
	else if (head.h2 !== 'Key findings')
		problems.push(`findings: the first section is titled '${head.h2}'`);
	if (!head.time || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(head.time))
		problems.push('header: no <time datetime="YYYY-MM-DDTHH:MM:SSZ"> (when the report was written)');
	if (!head.generator || !/^fallout \S+$/.test(head.generator))
		problems.push(`header: the generator <meta> is '${head.generator}', not 'fallout VERSION'`);

	// --- links
	const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => {
		const h = a.getAttribute('href');
		return { href: h, ok: h.startsWith('#') ? !!document.getElementById(decodeURIComponent(h.slice(1))) : null };
	}));
	const files = new Set();
	for (const l of links) {
		if (l.href.startsWith('#')) {
			if (!l.ok)
				problems.push(`link ${l.href}: no element has that id`);
		} else if (/^[a-z][a-z0-9+.-]*:/i.test(l.href) || l.href.startsWith('/')) {
			problems.push(`link ${l.href}: not relative to the report folder`);
		} else {
			files.add(l.href);
		}
	}
	const svgPage = await context.newPage();
	for (const f of files) {
		const p = path.join(dir, decodeURIComponent(f));
		if (!fs.existsSync(p)) {
			problems.push(`link ${f}: no such file beside the page`);
			continue;
		}
		await svgPage.goto(pathToFileURL(p).href, { waitUntil: 'load' });
		const ok = await svgPage.evaluate(() => document.documentElement.localName === 'svg' &&
			document.querySelectorAll('g.node').length > 0);
		if (!ok)
			problems.push(`link ${f}: Chromium does not show it as a Graphviz SVG`);
	}
	await svgPage.close();

	// --- legible diagrams at the default zoom
	const legible = await page.evaluate(() => [...document.querySelectorAll('figure.diagram')].map((fig) => {
		const svg = fig.querySelector('.frame > svg');
		let min = Infinity;
		for (const t of svg ? svg.querySelectorAll('text') : []) {
			const ctm = t.getScreenCTM();
			const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
			if (px > 0)
				min = Math.min(min, px);
		}
		return { id: fig.id, min, width: svg ? svg.getBoundingClientRect().width : 0 };
	}));
	let minAll = Infinity;
	for (const d of legible) {
		minAll = Math.min(minAll, d.min);
		if (!(d.min >= 9))
			problems.push(`legibility: #${d.id}: its smallest text renders at ${d.min.toFixed(1)} px, under 9 px`);
	}

	// --- zoom buttons and "Go to" links, on every diagram
	for (const d of legible) {
		const sel = `#${d.id}`;
		const width = () => page.evaluate((s) => {
			const f = document.querySelector(`${s} .frame`);
			const r = f.querySelector('svg').getBoundingClientRect();
			return { w: r.width, h: r.height, fw: f.clientWidth };
		}, sel);
		await page.click(`${sel} label.l-fit`);
		const fit = await width();
		if (fit.w > fit.fw + 1)
			problems.push(`zoom: ${sel}: Fit leaves it ${fit.w.toFixed(0)} px wide in a ${fit.fw} px frame`);
		await page.click(`${sel} label.l-200`);
		const big = await width();
		if (Math.abs(big.w - 2 * d.width) > 2)
			problems.push(`zoom: ${sel}: 200 % gives ${big.w.toFixed(0)} px, not twice ${d.width.toFixed(0)}`);
		await page.click(`${sel} label.l-100`);
		const back = await width();
		if (Math.abs(back.w - d.width) > 1)
			problems.push(`zoom: ${sel}: 100 % gives ${back.w.toFixed(0)} px, not its natural ${d.width.toFixed(0)}`);
		const gotos = await page.evaluate((s) => [...document.querySelectorAll(`${s} a.goto`)]
			.map((a) => a.getAttribute('href')), sel);
		for (const href of gotos) {
			await page.click(`${sel} a.goto[href="${href}"]`);
			const seen = await page.evaluate(([s, h]) => {
				const f = document.querySelector(`${s} .frame`).getBoundingClientRect();
				const t = document.getElementById(h.slice(1)).getBoundingClientRect();
				const vh = window.innerHeight;
				return t.right > f.left && t.left < f.right && t.bottom > Math.max(f.top, 0) &&
					t.top < Math.min(f.bottom, vh);
			}, [sel, href]);
			if (!seen)
				problems.push(`go to: ${sel} ${href}: the node is not in view after the click`);
		}
	}
	if (screenshot) {
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: screenshot });
	}

	// --- print
	await page.emulateMedia({ media: 'print' });
	await settle(page);
	const print = await page.evaluate(() => {
		const out = { folded: 0, hidden: [], buttons: 0, big: [] };
		for (const det of document.querySelectorAll('details')) {
			if (det.open)
				continue;
			out.folded++;
			for (const t of det.querySelectorAll('table')) {
				const r = t.getBoundingClientRect();
				if (!t.checkVisibility() || r.height <= 0)
					out.hidden.push(det.querySelector('summary').textContent);
			}
		}
		out.buttons = [...document.querySelectorAll('.dbar label')].filter((l) => l.checkVisibility()).length;
		const body = document.body.getBoundingClientRect();
		for (const svg of document.querySelectorAll('figure.diagram svg')) {
			const r = svg.getBoundingClientRect();
			if (r.width > body.width + 1 || r.height > window.innerHeight + 1)
				out.big.push(`${svg.closest('figure').id} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
		}
		return out;
	});
	for (const h of print.hidden)
		problems.push(`print: a folded table is not shown (${h})`);
	if (print.buttons)
		problems.push(`print: ${print.buttons} zoom buttons are printed`);
	for (const b of print.big)
		problems.push(`print: diagram ${b} px does not fit the page`);
	summary = `${legible.length} diagram${legible.length === 1 ? '' : 's'} (smallest text ` +
		`${legible.length ? minAll.toFixed(1) : '-'} px), ${links.length} links, ` +
		`${print.folded} folded tables unfolded in print`;
} catch (e) {
	problems.push(`error: ${String(e && e.message || e).split('\n')[0]}`);
} finally {
	await context.close().catch(() => {});
}
if (problems.length) {
	process.stderr.write(`report-page: ${name}: FAILED, ${problems.length} problem(s):\n`);
	for (const p of problems)
		process.stderr.write(`  ${p}\n`);
	process.exit(1);
}
process.stdout.write(`report-page: ${name}: ${summary}\n`);
process.exit(0);
