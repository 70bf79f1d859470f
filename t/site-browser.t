#!/usr/bin/perl
# The benchmarks site in a real browser (headless Chromium through the
# DevTools protocol), served by benchingest and nginx with the shipped
# snippet and site file, on the realistic data set: the landing page
# loads without a console error or a failed request and lists every group
# and chart of the API; every group opens and every chart draws the API's
# series; the tooltip names the right commit with its values, a click and
# Enter open it; zoom, pan and keys move along commits and reaching past
# the loaded window fetches the whole history once; log and baseline
# toggles; the engine filter (from series_meta) hides exactly that
# engine's series and the URL brings the whole view back; a chart's link
# reproduces its view on its own page; a bad slug and an unknown path get
# the 404 page; an empty database says so; after an ingest a reload shows
# the new commit; a chart refused with 503 (every read slot busy) waits
# for its Retry-After and draws.  Screenshots (light and dark, and the
# README's) go to t/output/site-browser (BENCHINGEST_TEST_OUTPUT).
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Path qw(make_path);
use JSON::PP;
use MIME::Base64 qw(encode_base64url);
use Test::More;
use BenchTest;
use Browser;
use HTTP::Tiny;
use POSIX qw(_exit);
use SiteStack;

plan skip_all => 'chromium is not installed' unless Browser::available();
binmode $_, ':utf8' for Test::More->builder->output,
    Test::More->builder->failure_output;

my $out = $ENV{BENCHINGEST_TEST_OUTPUT} // "$FindBin::Bin/output/site-browser";
make_path($out);
my $stack = SiteStack->new;
my $base = $stack->base_url;
my $b = Browser->new(width => 1280, height => 900);
# Every answer in nginx's cache: the page is about drawing, and no chart
# waits for a read slot but in the last section, which is about that.
my $groups = $stack->cache_all;
my %chart_api;
sub chart_api {
	my ($slug) = @_;
	return $chart_api{$slug} //= $stack->api("/api/chart/$slug");
}
sub js { JSON::PP->new->allow_nonref->encode($_[0]) }

# JavaScript's sort: by UTF-16 code units (big-endian UTF-16 bytes compare
# in the same order).
sub code_unit_sort {
	my %k = map { $_ => utf16($_) } @_;
	return sort { $k{$::a} cmp $k{$::b} } @_;	# $b is the browser
}
sub utf16 {
	my $bytes = '';
	for my $cp (map { ord } split //, $_[0]) {
		$bytes .= $cp < 0x10000 ? pack('n', $cp) : pack('nn',
		    0xd800 + (($cp - 0x10000) >> 10), 0xdc00 + (($cp - 0x10000) & 0x3ff));
	}
	return $bytes;
}
# What format.js's formatValue() writes, asked of the page's own module.
sub formatted {
	my ($pairs) = @_;
	return $b->eval('import("/static/format.js").then((f) => ' . js($pairs) .
	    '.map(([v, u]) => f.formatValue(v, u)))');
}

sub shots {
	my ($name, @scroll) = @_;
	for my $scheme (qw(light dark)) {
		$b->scheme($scheme);
		$b->eval('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
		$b->screenshot("$out/$name-$scheme.png");
	}
	$b->scheme('light');
}

# Scrolls every chart matching $selector into view in turn, waits until it
# is drawn, and says what it shows: series in the legend, which of them
# are shown, and how many coloured pixels its plot area has.
my $WALK = <<'JS';
(async (selector) => {
	const out = [];
	for (const li of document.querySelectorAll(selector)) {
		li.scrollIntoView({ block: 'center' });
		const t0 = performance.now();
		while (li.dataset.state !== 'drawn' && li.dataset.state !== 'error' &&
		    performance.now() - t0 < 15000)
			await new Promise((r) => setTimeout(r, 10));
		const canvas = li.querySelector('canvas');
		const chart = canvas && Chart.getChart(canvas);
		let colored = 0;
		if (chart) {
			// The plot area and the 3 pixels lines may overflow it by.
			const a = chart.chartArea;
			const d = canvas.getContext('2d').getImageData(a.left - 3, a.top - 3,
			    a.right - a.left + 6, a.bottom - a.top + 6).data;
			for (let i = 0; i < d.length; i += 4) {
				const hi = Math.max(d[i], d[i + 1], d[i + 2]);
				const lo = Math.min(d[i], d[i + 1], d[i + 2]);
				if (d[i + 3] > 128 && hi - lo > 40) colored++;
			}
		}
		const buttons = [...li.querySelectorAll('.legend button')];
		out.push({
			slug: li.dataset.chart,
			state: li.dataset.state ?? '',
			series: buttons.map((b) => b.dataset.series),
			shown: buttons.filter((b) => b.getAttribute('aria-pressed') === 'true')
			    .map((b) => b.dataset.series),
			drawn: chart ? chart.data.datasets
			    .filter((d, i) => chart.isDatasetVisible(i)).map((d) => d.label) : [],
			colored,
		});
	}
	return out;
})
JS
sub walk { $b->eval("$WALK(" . js($_[0]) . ')') }

# The URL follows a change within 100 ms (site/static/view-state.js).
sub settle { $b->eval('new Promise((r) => setTimeout(r, 150))') }

# ---------------------------------------------------------------- landing

is($b->goto("$base/"), 200, 'the landing page answers 200');
is_deeply([$b->problems], [], '... with no console error and no failed request');
my @fetched = grep { $_->{url} =~ m{/api/|chart\.min\.js} } $b->requests;
is_deeply([map { $_->{url} } @fetched], [],
    'with every group closed it fetches no chart data and no Chart.js');
my $bytes = 0;
$bytes += $_->{bytes} // 0 for $b->requests;
cmp_ok($bytes, '<=', 300_000, "the landing page, groups closed, is $bytes bytes on the wire (<= 300 KB)");
my $listed = $b->eval(<<'JS');
[...document.querySelectorAll('section.group')].map((g) => ({
	slug: g.dataset.group,
	name: g.querySelector('.group-name').textContent,
	nav: document.querySelector(`#group-nav a[href="#group-${g.dataset.group}"]`)?.textContent,
	charts: [...g.querySelectorAll('li.chart')].map((c) => ({
		slug: c.dataset.chart,
		name: c.querySelector('.chart-name a').textContent,
		href: c.querySelector('.chart-name a').getAttribute('href'),
	})),
}))
JS
is_deeply($listed, [map { my $g = $_; { slug => $g->{slug}, name => $g->{name},
    nav => $g->{name}, charts => [map { { slug => $_->{slug}, name => $_->{name},
    href => "/chart/$_->{slug}" } } @{ $g->{charts} }] } } @$groups],
    'every group of /api/groups, in its order, in the page and its navigation, ' .
    'with every chart and its link');
shots('landing');

# The scripts write values as site/README.md's Numbers say, and as the
# server does in the page.
my @values = ([0, 'time_ns', '0 ns'], [7, 'time_ns', '7 ns'], [999, 'time_ns', '999 ns'],
    [1000, 'time_ns', '1.00 µs'], [12345, 'time_ns', '12.3 µs'],
    [999_499, 'time_ns', '999 µs'], [1_125_000, 'time_ns', '1.13 ms'],
    [2_500_000, 'time_ns', '2.50 ms'], [61_845_576, 'time_ns', '61.8 ms'],
    [3.2e9, 'time_ns', '3.20 s'], [5e12, 'time_ns', '5000 s'], [512, 'bytes', '512 B'],
    [1024, 'bytes', '1.00 KiB'], [1152, 'bytes', '1.13 KiB'], [1536, 'bytes', '1.50 KiB'],
    [10_485_760, 'bytes', '10.0 MiB'], [123_456_789_012, 'bytes', '115 GiB'],
    [3 * 1024**4, 'bytes', '3.00 TiB'], [1.5, 'ratio', '1.5']);
is_deeply(formatted([map { [@$_[0, 1]] } @values]), [map { $_->[2] } @values],
    'format.js writes ns, µs, ms, s, B, KiB, MiB, GiB and TiB, a tie rounded up');
my $latest = $b->eval(q{[...document.querySelectorAll('li.chart dd')].map((dd) =>
    [+dd.dataset.value, dd.closest('li').dataset.unit, dd.textContent])});
cmp_ok(scalar @$latest, '>', 400, 'the page arrives with the charts\' latest values (' .
    @$latest . ')');
my $js = formatted([map { [@$_[0, 1]] } @$latest]);
my @differ = grep { $js->[$_] ne $latest->[$_][2] } 0 .. $#$latest;
is_deeply([map { "$latest->[$_][0] $latest->[$_][1]: $latest->[$_][2] vs $js->[$_]" } @differ],
    [], '... each written as format.js writes it');

# A group opens with the keyboard: Tab to its name, Enter.
my $first = $groups->[0];
$b->eval(q{document.querySelector('section.group summary').focus()});
$b->key('Enter');
ok($b->wait_for(q{document.querySelector('section.group details').open}),
    'Enter on a focused group name opens the group');
ok($b->wait_for(qq{new URL(location.href).searchParams.getAll('open').includes(${\ js($first->{slug})})}),
    '... and the URL says it is open');

# ---------------------------------------------------------------- every chart

$b->eval(q{[...document.querySelectorAll('.group-buttons button')].find((b) => b.textContent === 'Open all').click()});
my $seen = walk('li.chart');
my %seen = map { $_->{slug} => $_ } @$seen;
my $charts = 0;
for my $g (@$groups) {
	my @bad;
	for my $c (@{ $g->{charts} }) {
		$charts++;
		my $s = $seen{$c->{slug}};
		my @api = code_unit_sort(keys %{ chart_api($c->{slug})->{series} });
		push @bad, "$c->{name}: $s->{state}" and next unless $s->{state} eq 'drawn';
		push @bad, "$c->{name}: series @{ $s->{series} } vs API @api"
		    unless "@{ $s->{series} }" eq "@api";
		push @bad, "$c->{name}: shows @{ $s->{drawn} }"
		    unless "@{ $s->{drawn} }" eq "@api";
		push @bad, "$c->{name}: $s->{colored} coloured pixels"
		    if @api && $s->{colored} < 30;
	}
	ok(!@bad, "group $g->{name}: its " . @{ $g->{charts} } . ' charts draw the API\'s series')
	    or diag(join "\n", @bad);
}
is($charts, scalar @$seen, "all $charts charts are on the page");
is_deeply([$b->problems], [], 'no console error and no failed request with every chart drawn');

# The group of the hover, filter and permalink tests, and one chart of it.
my ($group) = grep { $_->{name} eq 'TPC-H (NVMe) (SF=1)' } @$groups;
my $chart = $group->{charts}[0];
my $slug = $chart->{slug};
my $p = chart_api($slug);
# JavaScript for the first (all) elements matching a selector in that
# chart (ids with a dot cannot go in a selector).
my $in_chart = sub { 'document.getElementById(' . js("chart-$slug") .
    ').querySelector(' . js($_[0]) . ')' };
my $in_landing_js = 'document.getElementById(' . js("chart-$slug") . ')';
my $in_chart_all = sub { 'document.getElementById(' . js("chart-$slug") .
    ').querySelectorAll(' . js($_[0]) . ')' };
$b->eval(qq{document.getElementById(${\ js("group-$group->{slug}")}).scrollIntoView()});
shots('group');
# The README's picture (site/screenshot.png): above the navigation's
# names that need fonts this machine lacks.
$b->screenshot("$out/readme.png", clip => [0, 0, 1280, 620]);

# ---------------------------------------------------------------- tooltip

my @names = code_unit_sort(keys %{ $p->{series} });
my ($k) = grep { my $k = $_; !grep { !defined $p->{series}{$_}[$k] } @names }
    reverse 0 .. $#{ $p->{commits} } - 5;
my $i = $p->{history}{start_index} + $k;
my $commit = $p->{commits}[$k];

# Viewport coordinates of commit index $i in the chart, at mid-height.
sub point_of {
	my ($index) = @_;
	return @{ $b->eval(<<"JS") };
(() => {
	const li = document.getElementById(${\ js("chart-$slug")});
	li.scrollIntoView({ block: 'center' });
	const c = Chart.getChart(li.querySelector('canvas'));
	const r = c.canvas.getBoundingClientRect();
	return [r.left + c.scales.x.getPixelForValue($index),
	    r.top + (c.chartArea.top + c.chartArea.bottom) / 2];
})()
JS
}

sub tip {
	return $b->eval(qq{(() => { const t = ${\ $in_chart->(".chart-tip")};
	    return t.hidden ? null : { index: +t.dataset.index, commit: t.dataset.commit, text: t.innerText }; })()});
}

my ($x, $y) = point_of($i);
$b->move($x, $y);
$b->wait_for(qq{!${\ $in_chart->(".chart-tip")}.hidden});
my $tip = tip() // {};
is($tip->{commit}, $commit->{sha}, "hovering commit $i of $chart->{name} shows that commit");
my $want_head = substr($commit->{sha}, 0, 7) . ' · ' . substr($commit->{timestamp}, 0, 16) . ' UTC';
(my $subject = $commit->{message}) =~ s/[\r\n].*//s;
like($tip->{text} // '', qr/^\Q$want_head\E\n+\Q$subject\E\n/,
    '... its short sha, date and time, and the first line of its message');
my %shown;
@shown{@names} = @{ formatted([map { [$p->{series}{$_}[$k], $p->{unit_kind}] } @names]) };
my @missing = grep { ($tip->{text} // '') !~ /^\Q$_\E\t\Q$shown{$_}\E$/m } @names;
is_deeply(\@missing, [], '... and every series with its value and unit') or diag($tip->{text});

$b->eval(q{window.open = (url) => { (window.opened ??= []).push(url); return null; }});
$b->click($x, $y);
is_deeply($b->eval('window.opened'), [$commit->{url}], 'a click opens the commit\'s URL');

# The keyboard: focus, arrows, Enter.
$b->eval(qq{${\ $in_chart->("canvas")}.focus()});
$b->key('ArrowLeft');
$b->key('ArrowLeft');
is(tip()->{commit}, $p->{commits}[$k - 2]{sha}, 'two ← on the focused chart: the tooltip is two commits earlier');
$b->key('Enter');
is($b->eval('window.opened[1]'), $p->{commits}[$k - 2]{url}, '... and Enter opens that commit');

# ---------------------------------------------------------------- zoom and pan

my $range = sub { $b->eval(qq{document.getElementById(${\ js("chart-$slug")}).dataset.range}) };
my $total = $p->{history}{total_commits};
my $start = $p->{history}{start_index};
is($range->(), "$start-" . ($total - 1), 'the chart shows the newest 100 commits');
$b->key('+');
my ($za, $zb) = split /-/, $range->();
ok($zb - $za < $total - 1 - $start, "+ zooms in ($za-$zb)");
# A drag to the right by 8 commits shows earlier commits.
($x, $y) = point_of($zb - 10);
my ($x2) = point_of($zb - 2);
$b->mouse('mousePressed', $x, $y, button => 'left', clicks => 1, buttons => 1);
$b->mouse('mouseMoved', ($x + $x2) / 2, $y, buttons => 1);
$b->mouse('mouseMoved', $x2, $y, buttons => 1);
$b->mouse('mouseReleased', $x2, $y, button => 'left', clicks => 1);
my ($da, $db) = split /-/, $range->();
ok($da < $za && $db - $da == $zb - $za,
    "dragging right pans from $za-$zb to earlier commits ($da-$db)");
is(scalar @{ $b->eval('window.opened') }, 2, '... and opens nothing');
my $all_url = qr{/api/chart/\Q$slug\E\?n=all$};
is(scalar(grep { $_->{url} =~ $all_url } $b->requests), 0,
    '... within the loaded window, without fetching more');
$b->eval(qq{${\ $in_chart->("canvas")}.focus()});
$b->key('ArrowLeft', shift => 1) for 1 .. 3;
$b->key('Home');
ok($b->wait_for(qq{document.getElementById(${\ js("chart-$slug")}).dataset.history === 'loaded'}),
    'panning to the first commit (Home) loads the whole history');
my $full = $stack->api("/api/chart/$slug?n=all");
ok($b->wait_for(qq{${\ $in_chart->(".chart-tip")}.dataset.commit === ${\ js($full->{commits}[0]{sha})}}),
    '... and the tooltip shows the chart\'s first commit');
$b->key('ArrowRight', shift => 1) for 1 .. 3;
$b->key('ArrowLeft', shift => 1);
is(scalar(grep { $_->{url} =~ $all_url } $b->requests), 1, '... fetched once (?n=all), however far it pans');

# The wheel: plain scrolls the page, with Ctrl zooms, sideways pans.
my ($wa, $wb) = split /-/, $range->();
($x, $y) = point_of(int(($wa + $wb) / 2));
my $scroll = $b->eval('window.scrollY');
$b->wheel($x, $y, 0, 120);
ok($b->wait_for("window.scrollY > $scroll"), 'a plain wheel scrolls the page');
is($range->(), "$wa-$wb", '... and leaves the chart alone');
($x, $y) = point_of(int(($wa + $wb) / 2));
$b->wheel($x, $y, 0, -100, ctrl => 1);
my ($ca, $cb) = split /-/, $b->wait_for(qq{(() => { const r = $in_landing_js.dataset.range;
    return r !== "$wa-$wb" && r; })()}) // "$wa-$wb";
ok($cb - $ca < $wb - $wa && $ca <= ($wa + $wb) / 2 && $cb >= ($wa + $wb) / 2,
    "Ctrl and the wheel zoom in around the pointer ($wa-$wb to $ca-$cb)");
$b->wheel($x, $y, -100, 0);
my ($sa, $sb) = split /-/, $b->wait_for(qq{(() => { const r = $in_landing_js.dataset.range;
    return r !== "$ca-$cb" && r; })()}) // "$ca-$cb";
ok($sa < $ca && $sb - $sa == $cb - $ca, "a sideways wheel pans ($ca-$cb to $sa-$sb)");

# ---------------------------------------------------------------- toggles

my $buttons = qq{${\ $in_chart_all->(".chart-tools button")}};
$b->eval(qq{[...$buttons].find((b) => b.dataset.act === 'log').click()});
is($b->eval(qq{Chart.getChart(${\ $in_chart->("canvas")}).options.scales.y.type}),
    'logarithmic', 'the log toggle makes the y axis logarithmic');
my $baseline = $names[0];
$b->eval(qq{(() => { const s = ${\ $in_chart->("select")};
    s.value = ${\ js($baseline)}; s.dispatchEvent(new Event('change')); })()});
my $ys = $b->eval(qq{(() => { const c = Chart.getChart(${\ $in_chart->("canvas")});
    return [...new Set(c.data.datasets.find((d) => d.label === ${\ js($baseline)}).data.map((p) => p.y))]; })()});
is_deeply($ys, [1], "relative to $baseline, that series is 1 everywhere");

# ---------------------------------------------------------------- filters

my $engine = 'duckdb';
$b->eval(q{document.querySelector('.filter-menu summary').click()});
$b->eval(qq{document.querySelector(${\ js(qq{#filters input[value="$engine"]})}).click()});
settle();
my @engines = @{ $b->eval(q{[...document.querySelectorAll('#filters fieldset[data-dim=engine] input')].map((i) => i.value)}) };
ok(grep({ $_ eq $engine } @engines) && @engines > 1,
    "the filter's engines (@engines, from series_meta) hold $engine and others");
is($b->eval(q{new URL(location.href).searchParams.get('engine')}),
    join(',', grep { $_ ne $engine } @engines),
    "unticking the engine $engine puts the others in the URL");

# Every drawn chart shows exactly the series whose engine is not $engine
# and, in $group, not one the group's series filter hides.
my %in_group = map { $_->{slug} => 1 } @{ $group->{charts} };
my @group_hidden;
sub filter_check {
	my ($what) = @_;
	my $now = walk('li.chart');
	my @bad;
	for my $s (@$now) {
		next if $s->{slug} eq $slug;		# its legend has its own say
		my $meta = chart_api($s->{slug})->{series_meta} // {};
		my %off = map { $_ => 1 } $in_group{$s->{slug}} ? @group_hidden : ();
		my @want = grep { ($meta->{$_}{engine} // '') ne $engine && !$off{$_} }
		    @{ $s->{series} };
		push @bad, "$s->{slug}: shows @{ $s->{drawn} }, wants @want"
		    unless "@{ $s->{drawn} }" eq "@want" && "@{ $s->{shown} }" eq "@want";
	}
	ok(!@bad, $what) or diag(join "\n", @bad[0 .. ($#bad < 5 ? $#bad : 5)]);
}
filter_check("every chart hides exactly the series of the engine $engine");

# The group's series filter: untick one series in the group.
@group_hidden = ('datafusion:parquet');
my $gsel = 'document.getElementById(' . js("group-$group->{slug}") . ')';
$b->eval(qq{$gsel.querySelector('.series-filter summary').click()});
$b->eval(qq{$gsel.querySelector('.series-filter input[value="$group_hidden[0]"]').click()});
settle();
is_deeply($b->eval(q{new URL(location.href).searchParams.getAll('ghide')}),
    ["$group->{slug}~$group_hidden[0]"], "unticking $group_hidden[0] in the group's series filter puts it in the URL");
filter_check("... and every chart of $group->{name} hides it too, the other groups' do not");

# The legend: hide one series of the chart.
my ($legend_off) = grep { $_ ne $baseline && $_ ne $group_hidden[0] } @names;
$b->eval(qq{${\ $in_chart->(qq{.legend button[data-series="$legend_off"]})}.click()});
settle();
# What a chart shows: range, y scale, baseline, series drawn, and its link.
sub view_of {
	my ($element) = @_;
	return $b->eval(<<"JS");
(() => {
	const li = $element;
	const c = Chart.getChart(li.querySelector('canvas'));
	return { range: li.dataset.range, y: c.options.scales.y.type, rel: li.dataset.rel,
		shown: c.data.datasets.filter((d, i) => c.isDatasetVisible(i)).map((d) => d.label),
		link: li.querySelector('.chart-name a')?.href ?? null };
})()
JS
}
my $landing_view = view_of($in_landing_js);
my $landing_url = $b->eval('location.href');
ok(!grep({ $_ eq $legend_off } @{ $landing_view->{shown} }), "a click on $legend_off in the legend hides it");

# The URL brings all of it back.
is($b->goto($landing_url), 200, 'the landing page\'s URL, loaded again');
is_deeply($b->eval(q{[...document.querySelectorAll('#filters input')].filter((i) => !i.checked).map((i) => i.value)}),
    [$engine], "... has $engine unticked");
filter_check('... hides the same series in every chart');
is_deeply(view_of($in_landing_js), $landing_view,
    '... and the chart\'s range, scale, baseline, legend and link');
is_deeply([$b->problems], [], 'no console error and no failed request');

# ---------------------------------------------------------------- permalink

is($b->goto($landing_view->{link}), 200, 'the chart\'s link opens its page');
ok($b->wait_for(q{document.querySelector('article.chart')?.dataset.state === 'drawn'}),
    '... which draws the chart');
my $page_view = view_of(q{document.querySelector('article.chart')});
is_deeply({ %$page_view{qw(range y rel shown)} }, { %$landing_view{qw(range y rel shown)} },
    '... with the same commits, scale, baseline and series as on the landing page');
is($b->eval(q{document.querySelector('h1').textContent}), $p->{display_name},
    '... titled with the chart\'s display name');
is_deeply([$b->problems], [], '... with no console error and no failed request');

is($b->goto("$base/chart/$slug"), 200, 'the plain chart page');
$b->wait_for(q{document.querySelector('article.chart')?.dataset.state === 'drawn'});
shots('chart');
$b->eval(q{document.querySelector('.chart-tools button[data-act=all]').click()});
settle();
ok($b->wait_for(q{document.querySelector('article.chart').dataset.history === 'loaded'}),
    'its full-history toggle loads the whole history');
is($b->eval(q{document.querySelector('article.chart').dataset.range}), '0-' . ($total - 1),
    '... and shows all of it');
like($b->eval('location.search'), qr/^\?x=all$/, '... and says so in the URL');

# ---------------------------------------------------------------- 404

my $unknown = 'qm.' . encode_base64url(JSON::PP->new->canonical(0)->encode({ k =>
    'QueryMeasurement', dataset => 'no-such-dataset', dataset_variant => undef,
    scale_factor => undef, storage => 'nvme', query_idx => 1 }));
for my $path ('/chart/not-a-slug', "/chart/$unknown", '/no/such/page') {
	is($b->goto("$base$path"), 404, "$path answers 404");
	is($b->eval(q{document.querySelector('h1')?.textContent}), 'Not found',
	    '... with the 404 page');
	$b->problems;
}

# ---------------------------------------------------------------- empty

{
	my $empty = SiteStack->new(empty => 1);
	is($b->goto($empty->base_url . '/'), 200, 'an empty database: the landing page answers 200');
	is($b->eval(q{document.querySelector('main p.empty')?.textContent}),
	    'No data ingested yet.', '... and says "No data ingested yet."');
	is_deeply([$b->problems], [], '... with no console error and no failed request');
}

# ---------------------------------------------------------------- ingest

{
	my $sha = BenchTest::random_sha();
	my $r = $stack->ingest(BenchTest::with_sha(BenchTest::envelope(), $sha));
	is($r->{status}, 200, 'an ingest of a newer commit');
	$b->goto("$base/");
	my $li = $b->eval(qq{document.querySelector('dd[data-commit="$sha"]')?.closest('li.chart')?.dataset.chart});
	ok($li, '... after a reload, the landing page has a latest value of the new commit');
	$b->eval(qq{document.getElementById(${\ js("chart-$li")}).closest('section').querySelector('details').open = true});
	walk(qq{li.chart[data-chart="$li"]});
	$b->eval(qq{document.querySelector(${\ js(qq{li.chart[data-chart="$li"] canvas})}).focus()});
	$b->key('End');
	is(tip_of($li), $sha, '... and its chart ends with the new commit');
}

# ---------------------------------------------------------------- busy

# Every read slot taken (two reads of vector search charts wait on a
# lock): a chart's answer is refused with 503 and Retry-After, and the
# page asks again after that instead of failing the chart.
{
	my $t = $stack->benchtest;
	my $dbh = $t->dbh;
	my ($vector) = grep { $_->{slug} =~ /^vsr\./ } map { @{ $_->{charts} } } @$groups;
	my $query = $group->{charts}[1];
	my $url = qr{/api/chart/\Q$query->{slug}\E$};
	is($t->revalidate->{status}, 200, 'a new cache generation: nothing cached');
	ok($t->wait_cached("/chart/$query->{slug}", 10, { 'Accept-Encoding' => 'gzip' }),
	    "... but the page of $query->{name}, read until nginx has it");
	my $lock = $t->new_dbh;
	$lock->begin_work;
	$lock->do('LOCK TABLE vector_search_runs IN ACCESS EXCLUSIVE MODE');
	my $waiting = sub { $dbh->selectrow_array(q{SELECT count(*) FROM pg_stat_activity
	    WHERE datname = current_database() AND wait_event_type = 'Lock'}) };
	my $before = $waiting->();
	my @kids;
	for my $n (3, 4) {
		my $pid = fork // die "fork: $!";
		if (!$pid) {
			HTTP::Tiny->new(timeout => 60)->get("$base/api/chart/$vector->{slug}?n=$n");
			_exit(0);
		}
		push @kids, $pid;
	}
	ok(BenchTest::wait_for(sub { $waiting->() == $before + 2 }, 30),
	    'two reads wait on a lock: both read slots are taken');
	is($b->goto("$base/chart/$query->{slug}"), 200, 'the chart\'s page, from the cache');
	ok(BenchTest::wait_for(sub { $b->pump(0.1);
	    grep { $_->{url} =~ $url && ($_->{status} // 0) == 503 } $b->requests }, 15),
	    '... its chart\'s answer: 503');
	$b->pump(0.3);
	is($b->eval(q{document.querySelector('article.chart').dataset.state}), 'loading',
	    '... the chart still loading, waiting for Retry-After');
	$lock->rollback;
	waitpid $_, 0 for @kids;
	ok($b->wait_for(q{document.querySelector('article.chart').dataset.state === 'drawn'}, 15),
	    'the slots free again, it asks again and draws');
	is($b->eval(q{document.querySelector('.chart-error')}), undef, '... with no error shown');
	is_deeply([map { $_->{status} } grep { $_->{url} =~ $url } $b->requests], [503, 200],
	    '... after one 503, one 200');
	$b->problems;
}

sub tip_of {
	my ($s) = @_;
	return $b->eval(qq{document.querySelector(${\ js(qq{li.chart[data-chart="$s"] .chart-tip})}).dataset.commit});
}

diag("screenshots in $out; $b->{version}");
done_testing;
