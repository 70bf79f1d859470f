// The site's entry point: enhances the HTML benchingest sends (the
// markup site/README.md's contract describes) into the interactive
// landing page or a chart's page.  Everything it needs is in that
// markup; it asks the API only for chart data.

import { ChartView, el } from './chart-view.js';
import { ViewState } from './view-state.js';

// ------------------------------------------------------------ landing

class Landing {
	constructor() {
		this.state = new ViewState(true);
		this.views = new Map();		// li.chart -> ChartView
		this.groups = [...document.querySelectorAll('section.group')];
		this.filters = document.getElementById('filters');
		this.observer = new IntersectionObserver((entries) => {
			for (const e of entries) {
				if (!e.isIntersecting) continue;
				this.observer.unobserve(e.target);
				this.view(e.target).start();
			}
		}, { rootMargin: '300px 0px' });
		this.setUpFilters();
		this.setUpGroups();
		this.setUpHeaderButtons();
		for (const li of document.querySelectorAll('li.chart'))
			this.observer.observe(li);
	}

	view(li) {
		let v = this.views.get(li);
		if (!v) {
			const group = li.closest('section.group').dataset.group;
			v = new ChartView(li, {
				state: this.state,
				filtered: (name, meta) => this.filtered(group, name, meta),
				changed: () => this.linkChart(li),
			});
			this.views.set(li, v);
		}
		return v;
	}

	// Why the page's filters hide a series of a chart in `group`: the
	// engine or format allowlist, or the group's series filter; '' when
	// they do not.
	filtered(group, name, meta) {
		for (const dim of ['engine', 'format']) {
			const allow = this.state.allowlist(dim);
			if (allow && meta[dim] !== undefined && !allow.has(meta[dim]))
				return dim;
		}
		return this.state.keyed('ghide', group).includes(name) ? 'series' : '';
	}

	// The chart's link carries its view, so its own page shows the same.
	linkChart(li) {
		const v = this.views.get(li);
		const a = li.querySelector('.chart-name a');
		a.href = `/chart/${li.dataset.chart}` +
			this.state.chartQuery(li.dataset.chart, v.hiddenSeries());
	}

	refreshAll() {
		for (const [li, v] of this.views) {
			v.refresh();
			if (v.data) this.linkChart(li);
		}
	}

	// ---- the engine and format filter

	setUpFilters() {
		if (!this.filters) return;
		const count = el('span', { class: 'count' });
		const menu = el('details', { class: 'filter-menu' },
			el('summary', {}, 'Engines and formats', count));
		this.filters.before(menu);
		menu.append(this.filters);
		const update = () => {
			const n = this.filters.querySelectorAll('input:not(:checked)').length;
			count.textContent = n ? ` (${n} hidden)` : '';
		};
		document.addEventListener('click', (e) => {
			if (!menu.contains(e.target)) menu.open = false;
		});
		menu.addEventListener('keydown', (e) => {
			if (e.key !== 'Escape' || !menu.open) return;
			menu.open = false;
			menu.querySelector('summary').focus();
		});
		for (const fs of this.filters.querySelectorAll('fieldset[data-dim]')) {
			const dim = fs.dataset.dim;
			const allow = this.state.allowlist(dim);
			for (const box of fs.querySelectorAll('input[type=checkbox]'))
				box.checked = allow === null || allow.has(box.value);
			fs.addEventListener('change', () => {
				const boxes = [...fs.querySelectorAll('input[type=checkbox]')];
				const on = boxes.filter((b) => b.checked).map((b) => b.value);
				this.state.setAllowlist(dim,
					on.length === boxes.length ? null : on);
				update();
				this.refreshAll();
			});
			fs.append(el('button', { type: 'button', class: 'all',
				onclick: () => {
					for (const b of fs.querySelectorAll('input')) b.checked = true;
					fs.dispatchEvent(new Event('change'));
				} }, 'all'));
		}
		update();
		this.filters.hidden = false;
	}

	// ---- groups

	setUpGroups() {
		const open = new Set(this.state.list('open'));
		const hash = decodeURIComponent(window.location.hash.slice(1));
		for (const g of this.groups) {
			const details = g.querySelector('details.group-toggle');
			details.addEventListener('toggle', () =>
				this.state.toggle('open', g.dataset.group, details.open));
			if (open.has(g.dataset.group) || g.id === hash) details.open = true;
			this.addSeriesFilter(g);
		}
		document.getElementById('group-nav')?.addEventListener('click', (e) => {
			const a = e.target.closest('a[href^="#"]');
			const g = a && document.getElementById(a.hash.slice(1));
			if (g) g.querySelector('details.group-toggle').open = true;
		});
	}

	// A group's series filter: every series its charts' latest values
	// name, each a checkbox.
	addSeriesFilter(g) {
		const names = [...new Set([...g.querySelectorAll('dl.latest dt')]
			.map((dt) => dt.textContent))].sort();
		if (names.length < 2) return;
		const slug = g.dataset.group;
		const hidden = () => this.state.keyed('ghide', slug);
		const count = el('span', { class: 'count' });
		const list = el('fieldset', {}, el('legend', {}, 'Show series'));
		for (const name of names) {
			const box = el('input', { type: 'checkbox', value: name });
			box.checked = !hidden().includes(name);
			list.append(el('label', {}, box, ` ${name}`));
		}
		const update = () => {
			const n = hidden().length;
			count.textContent = n ? ` (${n} hidden)` : '';
		};
		list.addEventListener('change', (e) => {
			this.state.toggleKeyed('ghide', slug, e.target.value, !e.target.checked);
			update();
			this.refreshAll();
		});
		update();
		const box = el('details', { class: 'series-filter' },
			el('summary', {}, 'Series', count), list);
		g.querySelector('ol.charts').before(box);
	}

	setUpHeaderButtons() {
		if (!this.groups.length) return;
		const all = (open) => () => {
			for (const g of this.groups)
				g.querySelector('details.group-toggle').open = open;
		};
		document.querySelector('.site-header').append(el('div',
			{ class: 'group-buttons' },
			el('button', { type: 'button', onclick: all(true) }, 'Open all'),
			el('button', { type: 'button', onclick: all(false) }, 'Close all')));
	}
}

// ------------------------------------------------------------ one chart

function chartPage() {
	const root = document.querySelector('article.chart');
	const view = new ChartView(root, {
		state: new ViewState(false),
		filtered: () => '',
		changed: () => {},
	});
	view.start();
}

const page = document.body.dataset.page;
if (page === 'landing') new Landing();
else if (page === 'chart') chartPage();
