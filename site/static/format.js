// Numbers, units and commits as people read them: no DOM, no state.
// The server renders the latest values with the same rules
// (site/README.md, "Numbers"), so a value reads the same in the page's
// HTML and in a chart's tooltip.

const TIME = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
const BYTES = [[1024 ** 4, 'TiB'], [1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'],
	[1024, 'KiB'], [1, 'B']];
const STEPS = { time_ns: TIME, bytes: BYTES };

// Three significant digits for a number in [1, 1000): 1.23, 12.3, 123.
function digits3(x) {
	const a = Math.abs(x);
	return x.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0);
}

// The step of `unit` (the API's unit_kind) that makes |v| read 1 to 999.
function step(unit, v) {
	const steps = STEPS[unit];
	if (!steps) return null;
	const a = Math.abs(v);
	return steps.find(([div]) => a >= div) ?? steps[steps.length - 1];
}

// One value with its unit: 1.23 ms, 512 B, 4.00 GiB.  Nanoseconds and
// bytes are whole numbers.  null reads as an em dash.
export function formatValue(v, unit) {
	if (v === null || v === undefined || !Number.isFinite(v)) return '—';
	const s = step(unit, v);
	if (!s) return String(v);
	const [div, name] = s;
	return `${div === 1 ? v.toFixed(0) : digits3(v / div)} ${name}`;
}

// A ratio to a baseline: 1.23×.
export function formatRatio(r) {
	if (r === null || r === undefined || !Number.isFinite(r)) return '—';
	return `${r.toFixed(2)}×`;
}

// The axis unit for a chart: the step that suits the median of its
// values, so that ticks read 1 to 999 for most of the chart.
// { div, name }; { div: 1, name: '' } for a unit without steps.
export function axisUnit(unit, values) {
	const finite = values.filter((v) => Number.isFinite(v) && v !== 0)
		.map(Math.abs).sort((a, b) => a - b);
	if (!STEPS[unit]) return { div: 1, name: '' };
	const median = finite.length ? finite[finite.length >> 1] : 1;
	const [div, name] = step(unit, median);
	return { div, name };
}

// A tick label in an axis unit: at most three significant digits, no
// trailing zeros (12, 1.5, 0.25).
export function formatTick(v, axis) {
	const x = v / axis.div;
	const text = Number.parseFloat(x.toPrecision(3)).toString();
	return axis.name ? `${text} ${axis.name}` : text;
}

export function shortSha(sha) {
	return typeof sha === 'string' ? sha.slice(0, 7) : '';
}

// The API's "2025-04-05 22:29:00+00" (always UTC) as
// "2025-04-05 22:29 UTC"; only the date when `dateOnly`.
export function formatTimestamp(ts, dateOnly) {
	if (typeof ts !== 'string') return '';
	return dateOnly ? ts.slice(0, 10) : `${ts.slice(0, 16)} UTC`;
}

// The subject of a commit message: its first line, without a CR, cut
// to `max` characters.
export function subject(message, max = 100) {
	if (typeof message !== 'string') return '';
	const line = message.split('\n', 1)[0].replace(/\r$/, '');
	return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
