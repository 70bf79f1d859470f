// The view state of a page, kept in the query string of its URL so that
// any view is a link someone can paste (site/README.md, "View state").
//
// Page-wide parameters: open (a group slug, repeated), engine and format
// (comma-separated allowlists), ghide (GROUP~SERIES, repeated).  Chart
// parameters: x (A-B, commit indexes, or "all"), y ("log"), rel (the
// baseline series), hide and show (series, repeated); on the landing page
// each value is prefixed by the chart's slug and "~", on a chart's own
// page it is not.

const SEP = '~';

export class ViewState {
	// `scoped`: chart parameters carry the chart's slug (landing page).
	constructor(scoped, href = window.location.href) {
		this.scoped = scoped;
		this.url = new URL(href);
		this.params = this.url.searchParams;
		this.timer = 0;
		this.last = 0;
	}

	// ---- page-wide

	list(name) {
		return this.params.getAll(name);
	}

	has(name, value) {
		return this.list(name).includes(value);
	}

	// Adds or removes one value of a repeated parameter.
	toggle(name, value, on) {
		const rest = this.list(name).filter((v) => v !== value);
		if (on) rest.push(value);
		this.params.delete(name);
		for (const v of rest) this.params.append(name, v);
		this.save();
	}

	// A comma-separated allowlist; null when the parameter is absent.
	allowlist(name) {
		const raw = this.params.get(name);
		if (raw === null) return null;
		return new Set(raw.split(',').map((s) => s.trim()).filter(Boolean));
	}

	setAllowlist(name, values) {
		if (values === null) this.params.delete(name);
		else this.params.set(name, [...values].join(','));
		this.save();
	}

	// Values of a repeated KEY~VALUE parameter whose key is `key`.
	keyed(name, key) {
		const prefix = key + SEP;
		return this.list(name).filter((v) => v.startsWith(prefix))
			.map((v) => v.slice(prefix.length));
	}

	toggleKeyed(name, key, value, on) {
		this.toggle(name, key + SEP + value, on);
	}

	// ---- one chart

	chartValues(slug, name) {
		return this.scoped ? this.keyed(name, slug) : this.list(name);
	}

	chartValue(slug, name) {
		return this.chartValues(slug, name)[0] ?? null;
	}

	// Sets (or with null removes) a single-valued chart parameter.
	setChartValue(slug, name, value) {
		if (!this.scoped) {
			if (value === null) this.params.delete(name);
			else this.params.set(name, value);
			this.save();
			return;
		}
		const prefix = slug + SEP;
		const rest = this.list(name).filter((v) => !v.startsWith(prefix));
		if (value !== null) rest.push(prefix + value);
		this.params.delete(name);
		for (const v of rest) this.params.append(name, v);
		this.save();
	}

	toggleChartValue(slug, name, value, on) {
		this.toggle(name, this.scoped ? slug + SEP + value : value, on);
	}

	// The x range of a chart: null (the default window), 'all', or
	// [a, b], inclusive commit indexes with a <= b.
	chartRange(slug) {
		const raw = this.chartValue(slug, 'x');
		if (raw === 'all') return 'all';
		const m = /^(\d+)-(\d+)$/.exec(raw ?? '');
		if (!m) return null;
		const a = Number(m[1]);
		const b = Number(m[2]);
		return a <= b ? [a, b] : null;
	}

	setChartRange(slug, range) {
		this.setChartValue(slug, 'x', range === null ? null :
			range === 'all' ? 'all' : `${range[0]}-${range[1]}`);
	}

	// A chart's state as the query string of its own page.
	chartQuery(slug, hidden) {
		const q = new URLSearchParams();
		for (const name of ['x', 'y', 'rel']) {
			const v = this.chartValue(slug, name);
			if (v !== null) q.set(name, v);
		}
		for (const s of hidden) q.append('hide', s);
		const text = q.toString();
		return text ? `?${text}` : '';
	}

	// ---- the address bar

	// Writes the URL (replacing it: no history entry per click or pan
	// step) at once, or while a drag or wheel writes it continuously, at
	// most every 100 ms and the last state for sure.
	save() {
		const wait = this.last + 100 - Date.now();
		if (wait <= 0) {
			this.flush();
		} else if (!this.timer) {
			this.timer = window.setTimeout(() => this.flush(), wait);
		}
	}

	flush() {
		window.clearTimeout(this.timer);
		this.timer = 0;
		this.last = Date.now();
		window.history.replaceState(null, '', this.url.href);
	}
}
