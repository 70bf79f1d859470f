package ReferenceSite;

# A stand-in for benchingest behind nginx while benchingest cannot yet
# serve the site (issue 13, phase 1): a FastCGI server that answers the
# read API with the reference's captured answers (t/reference/answers.xz)
# and renders / and /chart/{slug} exactly as site/README.md's HTML
# contract says benchingest will.  It is that contract in executable
# form.  t/lib/SiteStack.pm puts it behind nginx; run by hand:
#
#     perl t/lib/ReferenceSite.pm --socket PATH [--workers N] [--empty]
#
# --empty serves a database without data.  The cache generation is
# fixed: the answers never change.

use strict;
use warnings;

use Carp qw(croak);
use Digest::MD5 qw(md5_hex);
use File::Basename qw(dirname);
use IO::Compress::Gzip qw(gzip $GzipError);
use IO::Handle;
use lib dirname(__FILE__);
use ReferenceAnswers;

# JSON::XS decodes the 15 MB this reads in a tenth of a second, JSON::PP
# in seconds; they agree on everything used here.
my $JSON = eval { require JSON::XS; JSON::XS->new->utf8 } //
    do { require JSON::PP; JSON::PP->new->utf8 };

my $TITLE = 'Vortex benchmarks';

# %o: empty => 1 (no data), answers => [entries] (default: the file's).
sub new {
	my ($class, %o) = @_;
	my $self = bless { empty => $o{empty}, answer => {}, canonical => {} },
	    $class;
	return $self if $o{empty};
	for my $a (@{ $o{answers} || [ReferenceAnswers::read_all()] }) {
		next if %{ $a->{request_headers} || {} };	# Accept-Encoding repeats
		$self->{answer}{"$a->{method} $a->{path}"} //= $a;
	}
	my $groups = $self->_json('/api/groups') or croak 'no /api/groups answer';
	$self->{groups} = $groups->{groups};
	my (%engines, %formats);
	for my $g (@{ $self->{groups} }) {
		for my $c (@{ $g->{charts} }) {
			$self->{group_of}{$c->{slug}} = $g;
			my $p = $self->_json("/api/chart/$c->{slug}") or
			    croak "no answer for chart $c->{slug}";
			$self->{chart}{$c->{slug}} = $p;
			$self->{canonical}{md5_hex($self->_body("/api/chart/$c->{slug}"))} =
			    $c->{slug};
			my $all = $self->_json("/api/chart/$c->{slug}?n=all") or
			    croak "no n=all answer for chart $c->{slug}";
			for my $m (values %{ $all->{series_meta} || {} }) {
				$engines{$m->{engine}} = 1 if defined $m->{engine};
				$formats{$m->{format}} = 1 if defined $m->{format};
			}
		}
	}
	$self->{universe} = [[engine => 'Engine', code_unit_sort(keys %engines)],
	    [format => 'Format', code_unit_sort(keys %formats)]];
	return $self;
}

sub _body {
	my ($self, $path) = @_;
	my $a = $self->{answer}{"GET $path"};
	return $a && $a->{status} == 200 ? $a->{body} : undef;
}

sub _json {
	my ($self, $path) = @_;
	my $body = $self->_body($path);
	return defined $body ? $JSON->decode($body) : undef;
}

# JavaScript's sort: by UTF-16 code units (big-endian UTF-16 bytes compare
# in the same order).
sub code_unit_sort {
	my %k = map { $_ => _utf16($_) } @_;
	return sort { $k{$a} cmp $k{$b} } @_;
}

sub _utf16 {
	my ($s) = @_;
	my $b = '';
	for my $cp (map { ord } split //, $s) {
		if ($cp < 0x10000) { $b .= pack 'n', $cp }
		else {
			$cp -= 0x10000;
			$b .= pack 'nn', 0xd800 + ($cp >> 10), 0xdc00 + ($cp & 0x3ff);
		}
	}
	return $b;
}

# ---------------------------------------------------------------- HTML

my %ESC = ('&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;',
    "'" => '&#39;');

sub _h {
	my ($s) = @_;
	$s =~ s/([&<>"'])/$ESC{$1}/g;
	return $s;
}

my %STEPS = (
	time_ns => [[1e9, 's'], [1e6, 'ms'], [1e3, "\x{b5}s"], [1, 'ns']],
	bytes => [[1024**4, 'TiB'], [1024**3, 'GiB'], [1024**2, 'MiB'],
	    [1024, 'KiB'], [1, 'B']],
);

# A value as site/README.md's "Numbers" says.
sub format_value {
	my ($v, $unit) = @_;
	my $steps = $STEPS{$unit} or return ReferenceAnswers::js_number(
	    sprintf '%.17g', $v);
	my ($step) = grep { abs($v) >= $_->[0] } @$steps;
	$step //= $steps->[-1];
	my ($div, $name) = @$step;
	return sprintf '%.0f %s', $v, $name if $div == 1;
	my $x = $v / $div;
	my $d = abs($x) < 10 ? 2 : abs($x) < 100 ? 1 : 0;
	return sprintf '%.*f %s', $d, $x, $name;
}

sub _ratio { sprintf "%.2f\x{d7}", $_[0] }

# Every page starts as the site's static 404 page does, up to its
# stylesheet (site/README.md: "Common to both"), with its own title.
my $HEAD = do {
	my $f = dirname(__FILE__) . '/../../site/static/404.html';
	open my $fh, '<:utf8', $f or croak "$f: $!";
	local $/;
	my ($head) = <$fh> =~ m{\A(.*?<link rel="stylesheet"[^\n]*\n)}s or
	    croak "$f: no stylesheet link";
	$head;
};

sub _page {
	my (%o) = @_;
	my $preload = $o{preload} ? '<link rel="preload" href="/static/vendor/' .
	    "chart.min.js\" as=\"script\">\n" : '';
	(my $head = $HEAD) =~ s{<title>.*?</title>}{'<title>' . _h($o{title}) . '</title>'}e;
	return <<"EOF";
$head$preload<script type="module" src="/static/site.js"></script>
</head>
<body data-page="$o{page}">
<header class="site-header">
<a class="site-title" href="/">$TITLE</a>
$o{header}</header>
$o{main}<footer class="site-footer">Benchmark results from <a href="/api/groups">the read API</a>, served by benchingest.</footer>
</body>
</html>
EOF
}

# The chart's latest values: per series of its default window (in the
# API's order, by code units), the newest non-null value and its commit.
sub _latest {
	my ($self, $slug) = @_;
	my $p = $self->{chart}{$slug};
	my @rows;
	for my $name (code_unit_sort(keys %{ $p->{series} })) {
		my $values = $p->{series}{$name};
		my ($i) = grep { defined $values->[$_] } reverse 0 .. $#$values;
		next unless defined $i;
		my $v = $values->[$i];
		push @rows, '<div><dt>' . _h($name) . '</dt><dd data-value="' .
		    ReferenceAnswers::js_number(sprintf '%.17g', $v) .
		    "\" data-commit=\"$p->{commits}[$i]{sha}\">" .
		    _h(format_value($v, $p->{unit_kind})) . "</dd></div>\n";
	}
	return @rows ? "<dl class=\"latest\">\n" . join('', @rows) . "</dl>\n" : '';
}

sub _summary_card {
	my ($s) = @_;
	return '' unless $s;
	my ($head, @rows) = ('');
	my $t = $s->{type};
	my $time = sub { _h(format_value($_[0], 'time_ns')) };
	if ($t eq 'queryBenchmark' || $t eq 'randomAccess') {
		my $q = $t eq 'queryBenchmark';
		$head = '<thead><tr><th>#</th><th>' . ($q ? 'Series' : 'Format') .
		    '</th><th>' . ($q ? 'Score</th><th>Total runtime' :
		    'Time</th><th>Ratio') . "</th></tr></thead>\n";
		my $n = 0;
		for my $r (@{ $s->{rankings} }) {
			push @rows, '<td>' . ++$n . '</td><th scope="row">' .
			    _h($r->{name}) . '</th><td>' . ($q ?
			    _ratio($r->{score}) . '</td><td>' . $time->($r->{totalRuntime}) :
			    $time->($r->{time}) . '</td><td>' . _ratio($r->{ratio})) .
			    '</td>';
		}
	} elsif ($t eq 'compression') {
		push @rows, '<th scope="row">Compression throughput</th><td>' .
		    _ratio($s->{compressRatio}) . '</td>'
		    if defined $s->{compressRatio};
		push @rows, '<th scope="row">Decompression throughput</th><td>' .
		    _ratio($s->{decompressRatio}) . '</td>'
		    if defined $s->{decompressRatio};
		push @rows, "<th scope=\"row\">Datasets</th><td>$s->{datasetCount}</td>";
	} elsif ($t eq 'compressionSize') {
		push @rows, map({ "<th scope=\"row\">$_->[0] size ratio</th><td>" .
		    _ratio($s->{$_->[1]}) . '</td>' } ['Smallest', 'minRatio'],
		    ['Mean', 'meanRatio'], ['Largest', 'maxRatio']),
		    "<th scope=\"row\">Datasets</th><td>$s->{datasetCount}</td>";
	}
	return "<section class=\"summary-card\" data-type=\"@{[ _h($t) ]}\">\n" .
	    '<h3>' . _h($s->{title}) . "</h3>\n<table>\n$head<tbody>\n" .
	    join('', map { "<tr>$_</tr>\n" } @rows) . "</tbody>\n</table>\n" .
	    '<p class="explanation">' . _h($s->{explanation}) . "</p>\n</section>\n";
}

sub landing {
	my ($self) = @_;
	my @groups = $self->{empty} ? () : @{ $self->{groups} };
	if (!@groups) {
		return _page(title => $TITLE, page => 'landing', header => '',
		    main => '<main id="groups"><p class="empty">No data ingested ' .
		    "yet.</p></main>\n");
	}
	my $filters = '';
	for my $u (@{ $self->{universe} }) {
		my ($dim, $label, @values) = @$u;
		next unless @values;
		$filters .= "<fieldset data-dim=\"$dim\"><legend>$label</legend>\n" .
		    join('', map { '<label><input type="checkbox" value="' . _h($_) .
		    '" checked> ' . _h($_) . "</label>\n" } @values) . "</fieldset>\n";
	}
	$filters = "<form id=\"filters\" class=\"filters\" hidden>\n$filters</form>\n"
	    if $filters;
	my $nav = join '', map { "<li><a href=\"#group-$_->{slug}\">" .
	    _h($_->{name}) . "</a></li>\n" } @groups;
	my $main = '';
	for my $g (@groups) {
		my $n = @{ $g->{charts} };
		$main .= "<section class=\"group\" id=\"group-$g->{slug}\" " .
		    "data-group=\"$g->{slug}\">\n<details class=\"group-toggle\">" .
		    '<summary><h2 class="group-name">' . _h($g->{name}) .
		    "</h2> <span class=\"group-count\">$n chart" .
		    ($n == 1 ? '' : 's') . "</span></summary></details>\n";
		$main .= '<p class="group-description">' . _h($g->{description}) .
		    "</p>\n" if defined $g->{description};
		$main .= _summary_card($g->{summary}) . "<ol class=\"charts\">\n";
		for my $c (@{ $g->{charts} }) {
			my $p = $self->{chart}{$c->{slug}};
			$main .= "<li class=\"chart\" id=\"chart-$c->{slug}\" " .
			    "data-chart=\"$c->{slug}\" data-unit=\"" .
			    _h($p->{unit_kind}) . "\">\n<h3 class=\"chart-name\">" .
			    "<a href=\"/chart/$c->{slug}\">" . _h($c->{name}) .
			    "</a></h3>\n" . $self->_latest($c->{slug}) . "</li>\n";
		}
		$main .= "</ol>\n</section>\n";
	}
	return _page(title => $TITLE, page => 'landing', header => $filters,
	    main => "<div class=\"layout\">\n<nav id=\"group-nav\" " .
	    "class=\"group-nav\" aria-label=\"Groups\">\n<h2>Groups</h2>\n" .
	    "<ol>\n$nav</ol>\n</nav>\n<main id=\"groups\">\n$main</main>\n</div>\n");
}

# The chart's page, or undef when the API would not answer 200.
sub chart_page {
	my ($self, $slug) = @_;
	return undef if $self->{empty} || $slug eq '' || $slug =~ m{/};
	my $body = $self->_body("/api/chart/$slug") // return undef;
	my $canon = $self->{canonical}{md5_hex($body)} // return undef;
	my $p = $self->{chart}{$canon};
	my $g = $self->{group_of}{$canon};
	my $name = _h($p->{display_name});
	return _page(title => "$p->{display_name} \x{b7} $TITLE", page => 'chart',
	    preload => 1, header => '', main => "<main>\n<p class=\"breadcrumb\">" .
	    "<a href=\"/?open=$g->{slug}#group-$g->{slug}\">" . _h($g->{name}) .
	    "</a></p>\n<article class=\"chart chart-full\" id=\"chart-$canon\" " .
	    "data-chart=\"$canon\" data-unit=\"" . _h($p->{unit_kind}) . "\">\n" .
	    "<h1 class=\"chart-name\">$name</h1>\n" . $self->_latest($canon) .
	    "</article>\n</main>\n");
}

# ---------------------------------------------------------------- FastCGI

# (status, [header => value, ...], body bytes) for one request.
sub respond {
	my ($self, $env) = @_;
	my $method = $env->{REQUEST_METHOD} // 'GET';
	my $uri = $env->{REQUEST_URI} // '/';
	my $doc = $env->{DOCUMENT_URI} // $uri;
	if ($env->{BENCHINGEST_GENERATION}) {
		return (200, ['X-Benchingest-Generation' => 'reference'], '');
	}
	if ($doc eq '/' || $doc =~ m{^/chart/}) {
		return (405, ['Allow' => 'GET, HEAD'], '')
		    unless $method eq 'GET' || $method eq 'HEAD';
		my $html = $doc eq '/' ? $self->landing :
		    $self->chart_page(substr $doc, length '/chart/');
		return (404, ['Content-Type' => 'text/plain'], "not found\n")
		    unless defined $html;
		utf8::encode($html);
		return (200, ['Content-Type' => 'text/html; charset=utf-8'], $html);
	}
	if ($self->{empty}) {
		return (200, ['Content-Type' => 'application/json'], '{"groups":[]}')
		    if $uri =~ m{^/api/groups(?:\?|$)};
	} elsif (my $a = $self->{answer}{"$method $uri"}) {
		return ($a->{status}, ['Content-Type' =>
		    $a->{headers}{'content-type'} // 'application/json'], $a->{body});
	}
	print STDERR "reference-site: not captured: $method $uri\n";
	return (404, ['Content-Type' => 'application/json'],
	    '{"error":"not_found","message":"not captured"}');
}

# As benchingest answers: an ETag, Cache-Control: no-cache, 304 on a
# matching If-None-Match, gzip when the client takes it.
sub _send {
	my ($self, $out, $env, $status, $headers, $body) = @_;
	my %h = @$headers;
	my $etag = '"' . md5_hex($body) . '"';
	if ($status == 200 && ($env->{HTTP_IF_NONE_MATCH} // '') eq $etag) {
		($status, $body) = (304, '');
	}
	my $head = "Status: $status\r\n";
	$head .= "$_: $h{$_}\r\n" for sort keys %h;
	if ($status == 200) {
		$head .= "ETag: $etag\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\n";
		if (length $body > 200 &&
		    ($env->{HTTP_ACCEPT_ENCODING} // '') =~ /\bgzip\b/) {
			my $key = $etag;
			$body = $self->{gz}{$key} //= do {
				gzip(\$body => \my $z, Minimal => 1) or die $GzipError;
				$z;
			};
			$head .= "Content-Encoding: gzip\r\n";
		}
		$head .= 'Content-Length: ' . length($body) . "\r\n";
	}
	$body = '' if ($env->{REQUEST_METHOD} // '') eq 'HEAD';
	print $out "$head\r\n$body";
}

# Serves FastCGI on the Unix socket $path with $workers processes until
# SIGTERM.
sub serve {
	my ($self, $path, $workers) = @_;
	require FCGI;
	unlink $path;
	my $sock = FCGI::OpenSocket($path, 128) or croak "socket $path: $!";
	chmod 0666, $path;
	my @kids;
	for (1 .. $workers || 2) {
		my $pid = fork // croak "fork: $!";
		if (!$pid) {
			my ($in, $out, $err) = map { IO::Handle->new } 1 .. 3;
			my %env;
			my $req = FCGI::Request($in, $out, $err, \%env, $sock, 0);
			while ($req->Accept >= 0) {
				$self->_send($out, \%env, $self->respond(\%env));
				$req->Finish;
			}
			exit 0;
		}
		push @kids, $pid;
	}
	local $SIG{TERM} = local $SIG{INT} = sub { kill 'TERM', @kids; exit 0 };
	waitpid $_, 0 for @kids;
	return;
}

sub main {
	my ($class, @argv) = @_;
	my %o = (workers => 2);
	while (my $a = shift @argv) {
		if ($a eq '--socket') { $o{socket} = shift @argv }
		elsif ($a eq '--workers') { $o{workers} = shift @argv }
		elsif ($a eq '--empty') { $o{empty} = 1 }
		else { die "usage: $0 --socket PATH [--workers N] [--empty]\n" }
	}
	die "usage: $0 --socket PATH [--workers N] [--empty]\n" unless $o{socket};
	$class->new(empty => $o{empty})->serve($o{socket}, $o{workers});
	return 0;
}

__PACKAGE__->main(@ARGV) unless caller;

1;
