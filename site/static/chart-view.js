// One chart: fetches /api/chart/{slug}, draws a line per series over the
// chart's commits with Chart.js, and owns its interaction: hover and
// keyboard tooltips, click to open a commit, zoom and pan along commits
// (wheel, drag, keys, buttons), the log/linear and baseline toggles, and
// legend toggles.  Its view (x range, scale, baseline, legend) lives in
// the page's ViewState; the page decides what its filters hide.
//
// The x axis is the chart's whole history in commit indexes (0 = its
// first commit, as history.start_index counts them), even while only the
// newest window is loaded: a view that reaches into the part not loaded
// fetches ?n=all, once.

import { axisUnit, formatRatio, formatTick, formatTimestamp, formatValue,
	shortSha, subject } from './format.js';

const WINDOW = 100;		// the API's default window, in commits
const MIN_SPAN = 4;		// the narrowest view: 5 commits
const DRAG_CLICK = 4;		// pixels a click may move and stay a click
const BUSY_TRIES = 10;		// a read refused as busy (503) is tried this often
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1',
	'#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#79706e'];

let chartJs = null;
const builds = [];

// Charts are built one per animation frame, in the order their data
// arrived: when a group's charts all arrive at once, the first is on the
// screen after one build, not after all of them.
function nextFrame(build) {
	builds.push(build);
	if (builds.length > 1) return;
	const run = () => {
		builds.shift()();
		if (builds.length) window.requestAnimationFrame(run);
	};
	window.requestAnimationFrame(run);
}

// Chart.js (a UMD file, site/static/vendor) is loaded on first use, so a
// page whose groups are all closed never downloads it.
// How long a 503's Retry-After (seconds, or an HTTP date) asks to wait,
// in ms: 1 s when it says nothing usable, at most a minute, and up to
// half a second more so that charts refused together do not come back
// together.
function retryDelay(header) {
	let s = Number(header);
	if (header === null || header === '' || !Number.isFinite(s)) {
		const at = Date.parse(header ?? '');
		s = Number.isFinite(at) ? (at - Date.now()) / 1000 : 1;
	}
	return Math.min(Math.max(s, 0), 60) * 1000 + Math.random() * 500;
}

export function loadChartJs() {
	chartJs ??= new Promise((resolve, reject) => {
		if (window.Chart) {
			resolve(window.Chart);
			return;
		}
		const s = document.createElement('script');
		s.src = '/static/vendor/chart.min.js';
		s.onload = () => resolve(window.Chart);
		s.onerror = () => reject(new Error('Chart.js did not load'));
		document.head.append(s);
	});
	return chartJs;
}

// An element with attributes (on* ones are listeners) and children.
export function el(tag, attrs = {}, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (k === 'class') e.className = v;
		else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
		else e.setAttribute(k, v);
	}
	e.append(...children);
	return e;
}

function themeColors() {
	const css = getComputedStyle(document.documentElement);
	const v = (name) => css.getPropertyValue(name).trim();
	return { text: v('--muted'), grid: v('--grid'), cross: v('--fg') };
}

// A payload spread over the chart's whole history: commits[i] and every
// series[name][i] for i in 0 .. total-1, null where not loaded.
function spread(p) {
	const total = p.history.total_commits;
	const start = p.history.start_index;
	const commits = new Array(total).fill(null);
	p.commits.forEach((c, i) => { commits[start + i] = c; });
	const series = {};
	for (const [name, values] of Object.entries(p.series)) {
		const a = new Array(total).fill(null);
		values.forEach((v, i) => { a[start + i] = v; });
		series[name] = a;
	}
	return { total, start, complete: p.history.complete, commits, series,
		names: Object.keys(p.series), meta: p.series_meta ?? {},
		unit: p.unit_kind, title: p.display_name };
}

export class ChartView {
	// `root`: the chart's element (li.chart or article.chart).  `page`:
	// { state (ViewState), filtered(name, meta) -> why hidden or '',
	// changed() } from the page.
	constructor(root, page) {
		this.root = root;
		this.page = page;
		this.slug = root.dataset.chart;
		this.state = page.state;
		this.data = null;
		this.chart = null;
		this.range = null;
		this.active = null;
		this.drag = null;
		this.fullRequest = null;
		this.started = false;
	}

	// Loads and draws, once; the page calls it when the chart comes
	// into view.
	start() {
		if (this.started) return;
		this.started = true;
		this.root.dataset.state = 'loading';
		Promise.all([loadChartJs(), this.fetch(false)])
			.then(([Chart, p]) => nextFrame(() => {
				try {
					this.build(Chart, p);
				} catch (e) {
					this.fail(e);
				}
			}))
			.catch((e) => this.fail(e));
	}

	// The chart's answer.  While the server is busy with other reads
	// (503, max_concurrent_reads), asks again after the Retry-After it
	// gives, up to BUSY_TRIES times, the chart still loading.
	async fetch(all) {
		const url = `/api/chart/${encodeURIComponent(this.slug)}` +
			(all ? '?n=all' : '');
		for (let tries = 1; ; tries++) {
			const r = await fetch(url, { headers: { Accept: 'application/json' } });
			if (r.status === 503 && tries < BUSY_TRIES) {
				const wait = retryDelay(r.headers.get('Retry-After'));
				await new Promise((done) => setTimeout(done, wait));
				continue;
			}
			if (!r.ok) throw new Error(r.status === 404 ?
				'This chart has no data.' : `The API answered ${r.status}.`);
			return r.json();
		}
	}

	fail(e) {
		this.root.dataset.state = 'error';
		this.started = false;
		const retry = el('button', { type: 'button', onclick: () => {
			box.remove();
			this.start();
		} }, 'Retry');
		const box = el('p', { class: 'chart-error', role: 'alert' },
			`Could not draw this chart: ${e.message} `, retry);
		this.root.append(box);
	}

	// ---------------------------------------------------------- building

	build(Chart, payload) {
		this.data = spread(payload);
		this.buildDom();
		this.range = this.wantedRange();
		this.axis = { div: 1, name: '' };
		this.chart = new Chart(this.canvas, this.config());
		this.attach();
		this.refresh();
		this.page.changed();
		window.requestAnimationFrame(() => {
			this.root.dataset.state = 'drawn';
			if (!performance.getEntriesByName('first-chart').length)
				performance.mark('first-chart');
		});
	}

	buildDom() {
		const d = this.data;
		const tools = el('div', { class: 'chart-tools', role: 'toolbar',
			'aria-label': 'Chart controls' });
		const button = (act, label, text) => el('button', { type: 'button',
			'data-act': act, 'aria-label': label, title: label,
			onclick: () => this.act(act) }, text);
		this.buttons = {
			in: button('zoom-in', 'Zoom in', '+'),
			out: button('zoom-out', 'Zoom out', '−'),
			reset: button('reset', `The newest ${WINDOW} commits`, 'Newest'),
			all: button('all', 'All history', 'All'),
			log: button('log', 'Logarithmic y axis', 'Log'),
		};
		this.buttons.log.setAttribute('aria-pressed', 'false');
		this.relSelect = el('select', { 'data-act': 'rel',
			'aria-label': 'Values relative to a baseline series',
			onchange: () => this.setBaseline(this.relSelect.value || null) },
		el('option', { value: '' }, 'Absolute values'),
		...d.names.map((n) => el('option', { value: n }, `Relative to ${n}`)));
		tools.append(this.buttons.in, this.buttons.out, this.buttons.reset,
			this.buttons.all, this.buttons.log, this.relSelect);

		this.canvas = el('canvas', { tabindex: '0', role: 'img',
			'aria-label': `${d.title}: a line per series over commits. ` +
			'Left and right arrows move between commits, Enter opens ' +
			'one, shift+arrows pan, plus and minus zoom.' });
		this.tip = el('div', { class: 'chart-tip', role: 'status', hidden: '' });
		this.note = el('p', { class: 'chart-note', hidden: '' });
		const plot = el('div', { class: 'chart-plot' }, this.canvas, this.tip);

		this.legend = el('ul', { class: 'legend', 'aria-label': 'Series' });
		this.legendButtons = new Map();
		d.names.forEach((name, i) => {
			const b = el('button', { type: 'button', 'data-series': name,
				onclick: () => this.toggleSeries(name) },
			el('span', { class: 'swatch', 'aria-hidden': 'true' }), name);
			b.querySelector('.swatch').style.background = PALETTE[i % PALETTE.length];
			this.legendButtons.set(name, b);
			this.legend.append(el('li', {}, b));
		});
		this.root.dataset.series = String(d.names.length);
		this.root.append(tools, plot, this.note, this.legend);
		if (!d.names.length) {
			this.showNote(`No measurements in the newest ${WINDOW} commits.`);
		}
	}

	config() {
		const colors = themeColors();
		const view = this;
		return {
			type: 'line',
			data: { datasets: [] },
			options: {
				animation: false,
				parsing: false,
				normalized: true,
				responsive: true,
				maintainAspectRatio: false,
				events: [],
				spanGaps: true,
				elements: {
					point: { radius: 0 },
					line: { borderWidth: 1.5, tension: 0 },
				},
				scales: {
					x: {
						type: 'linear',
						ticks: {
							precision: 0,
							maxRotation: 0,
							autoSkipPadding: 24,
							color: colors.text,
							callback: (v) => view.tickLabel(v),
						},
						grid: { color: colors.grid },
					},
					y: {
						ticks: { color: colors.text,
							callback: (v) => view.yLabel(v) },
						grid: { color: colors.grid },
					},
				},
				plugins: {
					legend: { display: false },
					tooltip: { enabled: false },
				},
			},
			plugins: [{
				id: 'benchCrosshair',
				afterDatasetsDraw: (chart) => view.drawCrosshair(chart),
			}],
		};
	}

	tickLabel(v) {
		const c = Number.isInteger(v) ? this.data.commits[v] : null;
		return c ? formatTimestamp(c.timestamp, true) : '';
	}

	yLabel(v) {
		if (this.chart?.options.scales.y.type === 'logarithmic') {
			const m = v / 10 ** Math.floor(Math.log10(v));
			if (![1, 2, 5].includes(Math.round(m * 1e6) / 1e6)) return '';
		}
		return this.baseline ? formatRatio(v) : formatTick(v, this.axis);
	}

	// ---------------------------------------------------------- state

	get baseline() {
		const b = this.state.chartValue(this.slug, 'rel');
		return b !== null && this.data.series[b] ? b : null;
	}

	get log() {
		return this.state.chartValue(this.slug, 'y') === 'log';
	}

	// Why the series is hidden ('' when shown): its legend first, then
	// the page's filters.
	hiddenBy(name) {
		const vals = (n) => this.state.chartValues(this.slug, n);
		if (vals('show').includes(name)) return '';
		if (vals('hide').includes(name)) return 'legend';
		return this.page.filtered(name, this.data.meta[name] ?? {});
	}

	hiddenSeries() {
		return this.data ? this.data.names.filter((n) => this.hiddenBy(n)) : [];
	}

	toggleSeries(name) {
		const hidden = this.hiddenBy(name) !== '';
		const s = this.state;
		s.toggleChartValue(this.slug, 'hide', name, false);
		s.toggleChartValue(this.slug, 'show', name, false);
		const byFilter = this.hiddenBy(name) !== '';
		if (hidden && byFilter) s.toggleChartValue(this.slug, 'show', name, true);
		if (!hidden && !byFilter) s.toggleChartValue(this.slug, 'hide', name, true);
		this.refresh();
		this.page.changed();
	}

	setBaseline(name) {
		this.state.setChartValue(this.slug, 'rel', name);
		this.refresh();
		this.page.changed();
	}

	act(what) {
		if (what === 'zoom-in') this.zoom(1 / 1.5);
		else if (what === 'zoom-out') this.zoom(1.5);
		else if (what === 'reset') this.setRange(null);
		else if (what === 'all') this.setRange('all');
		else if (what === 'log') {
			this.state.setChartValue(this.slug, 'y', this.log ? null : 'log');
			this.refresh();
			this.page.changed();
		}
	}

	// ---------------------------------------------------------- range

	defaultRange() {
		const last = this.data.total - 1;
		return [Math.max(0, last - WINDOW + 1), last];
	}

	// The range the URL asks for, within the history.
	wantedRange() {
		const want = this.state.chartRange(this.slug);
		const last = this.data.total - 1;
		if (want === 'all') return [0, last];
		if (want === null) return this.defaultRange();
		const b = Math.min(want[1], last);
		return [Math.max(0, Math.min(want[0], b - MIN_SPAN)), b];
	}

	// `r`: null (default), 'all' or [a, b]; written to the URL.
	setRange(r) {
		const last = this.data.total - 1;
		let range = r;
		if (Array.isArray(r)) {
			let [a, b] = r.map(Math.round);
			const span = Math.min(last, Math.max(MIN_SPAN, b - a));
			if (a < 0) [a, b] = [0, span];
			if (b > last) [a, b] = [last - span, last];
			range = [Math.max(0, a), b];
			const d = this.defaultRange();
			if (range[0] === d[0] && range[1] === d[1]) range = null;
		}
		this.state.setChartRange(this.slug, range);
		this.range = this.wantedRange();
		this.redrawRange();
		this.page.changed();
	}

	zoom(factor, center) {
		const [a, b] = this.range;
		const c = center ?? (a + b) / 2;
		const span = Math.max(MIN_SPAN, Math.round((b - a) * factor));
		const left = Math.round(c - (c - a) / (b - a || 1) * span);
		this.setRange([left, left + span]);
	}

	pan(by) {
		const [a, b] = this.range;
		this.setRange([a + by, b + by]);
	}

	redrawRange() {
		const x = this.chart.options.scales.x;
		// Half a commit of margin: the first and last points stay whole.
		x.min = this.range[0] - 0.5;
		x.max = this.range[1] + 0.5;
		if (this.active !== null)
			this.active = Math.min(Math.max(this.active, this.range[0]), this.range[1]);
		this.root.dataset.range = this.range.join('-');
		// Zoomed in far enough, every value gets a point.
		this.chart.options.elements.point.radius =
			this.range[1] - this.range[0] <= 40 ? 2 : 0;
		this.chart.update('none');
		if (this.active !== null) this.showTip();
		if (this.range[0] < this.data.start && !this.data.complete)
			this.loadHistory();
	}

	// The whole history, fetched once when a view first reaches past the
	// loaded window.
	loadHistory() {
		if (this.fullRequest) return;
		this.root.dataset.history = 'loading';
		this.showNote('Loading the whole history…');
		this.fullRequest = this.fetch(true).then((p) => {
			this.data = spread(p);
			this.root.dataset.history = 'loaded';
			this.hideNote();
			this.range = this.wantedRange();
			this.refresh();
		}).catch((e) => {
			this.fullRequest = null;
			this.root.dataset.history = 'error';
			this.showNote(`Could not load the whole history: ${e.message}`);
		});
	}

	showNote(text) {
		this.note.textContent = text;
		this.note.hidden = false;
	}

	hideNote() {
		this.note.hidden = true;
	}

	// ---------------------------------------------------------- drawing

	// Rebuilds datasets and axes from the data and the view state.
	refresh() {
		if (!this.chart) return;
		const d = this.data;
		const base = this.baseline ? d.series[this.baseline] : null;
		const shown = [];
		this.chart.data.datasets = d.names.map((name, i) => {
			const values = d.series[name];
			const points = [];
			for (let x = 0; x < d.total; x++) {
				let y = values[x];
				if (y === null) continue;
				if (base) {
					if (!base[x]) continue;
					y /= base[x];
				}
				if (this.log && y <= 0) continue;
				points.push({ x, y });
			}
			const why = this.hiddenBy(name);
			if (!why) shown.push(...points.map((p) => p.y));
			const b = this.legendButtons.get(name);
			b.setAttribute('aria-pressed', String(!why));
			b.dataset.hiddenBy = why;
			b.title = why === 'legend' ? 'Hidden here: click to show' :
				why ? `Hidden by the ${why} filter: click to show here` :
					'Click to hide';
			const color = PALETTE[i % PALETTE.length];
			// A lone value has no line: it gets a point.  Lines may
			// overflow the plot by their width, so a series at the
			// axis's minimum stays visible.
			return { label: name, data: points, hidden: Boolean(why),
				borderColor: color, backgroundColor: color, clip: 3,
				pointRadius: points.length === 1 ? 3 : undefined };
		});
		this.axis = axisUnit(d.unit, shown);
		const y = this.chart.options.scales.y;
		y.type = this.log ? 'logarithmic' : 'linear';
		y.beginAtZero = !this.log && !base;
		this.relSelect.value = this.baseline ?? '';
		this.buttons.log.setAttribute('aria-pressed', String(this.log));
		this.root.dataset.y = this.log ? 'log' : 'linear';
		this.root.dataset.rel = this.baseline ?? '';
		this.range = this.wantedRange();
		this.redrawRange();
	}

	drawCrosshair(chart) {
		const i = this.active;
		if (i === null) return;
		const { ctx, chartArea: area, scales } = chart;
		const px = scales.x.getPixelForValue(i);
		if (px < area.left || px > area.right) return;
		const colors = themeColors();
		ctx.save();
		ctx.strokeStyle = colors.cross;
		ctx.globalAlpha = 0.5;
		ctx.beginPath();
		ctx.moveTo(px, area.top);
		ctx.lineTo(px, area.bottom);
		ctx.stroke();
		ctx.globalAlpha = 1;
		chart.data.datasets.forEach((ds) => {
			if (ds.hidden) return;
			const p = ds.data.find((q) => q.x === i);
			if (!p) return;
			ctx.fillStyle = ds.borderColor;
			ctx.beginPath();
			ctx.arc(px, scales.y.getPixelForValue(p.y), 3.5, 0, 2 * Math.PI);
			ctx.fill();
		});
		ctx.restore();
	}

	// ---------------------------------------------------------- tooltip

	// Highlights commit i (null: none) and shows its tooltip, at the
	// pointer's height when there is one.  A commit not loaded yet keeps
	// the highlight without a tooltip.
	setActive(i, pointerY) {
		this.active = i;
		this.chart.draw();
		this.showTip(pointerY);
	}

	showTip(pointerY) {
		const d = this.data;
		const i = this.active;
		const c = i === null ? null : d.commits[i];
		if (!c) {
			this.tip.hidden = true;
			return;
		}
		const base = this.baseline ? d.series[this.baseline] : null;
		const rows = d.names.map((name, k) => ({ name, k, v: d.series[name][i] }))
			.filter((r) => r.v !== null && !this.hiddenBy(r.name))
			.sort((p, q) => q.v - p.v);
		const head = el('p', { class: 'tip-head' },
			el('code', {}, shortSha(c.sha)), ` · ${formatTimestamp(c.timestamp)}`);
		const msg = el('p', { class: 'tip-msg' }, subject(c.message));
		const table = el('table');
		for (const r of rows) {
			const sw = el('span', { class: 'swatch' });
			sw.style.background = PALETTE[r.k % PALETTE.length];
			let text = formatValue(r.v, d.unit);
			if (base) text = `${formatRatio(base[i] ? r.v / base[i] : null)} (${text})`;
			table.append(el('tr', {}, el('td', {}, sw, r.name), el('td', {}, text)));
		}
		if (!rows.length) {
			table.append(el('tr', {}, el('td', {}, 'No measurement at this commit')));
		}
		this.tip.replaceChildren(head, msg, table,
			el('p', { class: 'tip-hint' }, 'Click or Enter opens the commit'));
		this.tip.hidden = false;
		this.tip.dataset.commit = c.sha;
		this.tip.dataset.index = String(i);
		const px = this.chart.scales.x.getPixelForValue(i);
		const py = pointerY ?? this.chart.chartArea.top;
		const w = this.tip.offsetWidth;
		const left = px + 14 + w > this.canvas.clientWidth ? px - 14 - w : px + 14;
		this.tip.style.left = `${Math.max(0, left)}px`;
		this.tip.style.top = `${py}px`;
	}

	indexAt(offsetX) {
		const v = Math.round(this.chart.scales.x.getValueForPixel(offsetX));
		return Math.min(Math.max(v, this.range[0]), this.range[1]);
	}

	open(i) {
		const c = i === null ? null : this.data.commits[i];
		if (c?.url) window.open(c.url, '_blank', 'noopener');
	}

	// ---------------------------------------------------------- input

	attach() {
		const cv = this.canvas;
		cv.addEventListener('pointerdown', (e) => {
			if (e.button !== 0) return;
			cv.setPointerCapture(e.pointerId);
			this.drag = { x: e.offsetX, range: this.range, moved: false };
		});
		cv.addEventListener('pointermove', (e) => {
			const g = this.drag;
			if (g) {
				const dx = e.offsetX - g.x;
				if (Math.abs(dx) > DRAG_CLICK) g.moved = true;
				if (g.moved) {
					const s = this.chart.scales.x;
					const per = (s.right - s.left) / (g.range[1] - g.range[0] || 1);
					const by = Math.round(-dx / per);
					this.setRange([g.range[0] + by, g.range[1] + by]);
					return;
				}
			}
			this.setActive(this.indexAt(e.offsetX), e.offsetY);
		});
		cv.addEventListener('pointerup', (e) => {
			const g = this.drag;
			this.drag = null;
			if (g && !g.moved) this.open(this.indexAt(e.offsetX));
		});
		cv.addEventListener('pointerleave', () => {
			if (!this.drag && document.activeElement !== cv) this.setActive(null);
		});
		cv.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
		cv.addEventListener('keydown', (e) => this.key(e));
		cv.addEventListener('focus', () => {
			if (this.active === null) this.setActive(this.lastLoaded());
		});
		cv.addEventListener('blur', () => this.setActive(null));
		this.dark = window.matchMedia('(prefers-color-scheme: dark)');
		this.onTheme = () => this.retheme();
		this.dark.addEventListener('change', this.onTheme);
	}

	lastLoaded() {
		for (let i = this.range[1]; i >= this.range[0]; i--)
			if (this.data.commits[i]) return i;
		return null;
	}

	// Ctrl (or Cmd) + wheel zooms around the pointer; a sideways wheel or
	// shift + wheel pans; a plain wheel scrolls the page.
	wheel(e) {
		const [a, b] = this.range;
		if (e.ctrlKey || e.metaKey) {
			e.preventDefault();
			const c = this.chart.scales.x.getValueForPixel(e.offsetX);
			this.zoom(e.deltaY < 0 ? 1 / 1.25 : 1.25, c);
		} else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
			e.preventDefault();
			const d = e.shiftKey && !e.deltaX ? e.deltaY : e.deltaX;
			this.pan(Math.sign(d) * Math.max(1, Math.round((b - a) / 10)));
		}
	}

	key(e) {
		const [a, b] = this.range;
		const step = Math.max(1, Math.round((b - a) / 10));
		const i = this.active ?? this.lastLoaded();
		const move = (to) => {
			if (to < this.range[0]) this.pan(to - this.range[0]);
			if (to > this.range[1]) this.pan(to - this.range[1]);
			this.setActive(Math.min(Math.max(to, 0), this.data.total - 1));
		};
		const keys = {
			ArrowLeft: () => (e.shiftKey ? this.pan(-step) : move(i - 1)),
			ArrowRight: () => (e.shiftKey ? this.pan(step) : move(i + 1)),
			Home: () => move(0),
			End: () => move(this.data.total - 1),
			'+': () => this.zoom(1 / 1.5, i),
			'=': () => this.zoom(1 / 1.5, i),
			'-': () => this.zoom(1.5, i),
			0: () => this.setRange(null),
			Enter: () => this.open(i),
			Escape: () => this.setActive(null),
		};
		const f = keys[e.key];
		if (!f || e.altKey || e.ctrlKey || e.metaKey) return;
		e.preventDefault();
		f();
	}

	retheme() {
		const c = themeColors();
		const { x, y } = this.chart.options.scales;
		x.ticks.color = y.ticks.color = c.text;
		x.grid.color = y.grid.color = c.grid;
		this.chart.update('none');
	}
}
