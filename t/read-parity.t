#!/usr/bin/perl
# The read API answers as the reference read service does: every answer
# captured from it (t/reference/answers.xz, see t/reference/README) on the
# realistic data set is asked of benchingest, loaded with the same data
# through POST /api/ingest, and compared: the status, the Location of a
# redirect (an absolute one to the same server counts as relative), and
# for a JSON answer the JSON itself, member order included (both are
# compared in the form JSON.stringify writes, so "1.0" and "1", or
# "\u00e9" and "é", are the same).  A mismatch prints where the two first
# differ; the end prints how many differ, by the members that differ (-x:
# benchingest lacks x, +x: only benchingest has it).  PARITY_SHOW=N prints
# the first N mismatches (default 8).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use BenchTest;
use RealisticData;
use HTTP::Tiny;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use JSON::PP;
use POSIX ();
use Test::More;

my $answers = "$FindBin::Bin/reference/answers.xz";
plan skip_all => "$answers is missing" unless -f $answers;
plan skip_all => 'xz is not installed' unless `xz --version 2>/dev/null`;
binmode $_, ':utf8' for Test::More->builder->output,
    Test::More->builder->failure_output;

# Deliberate differences: not compared, with the reason.
my %DELIBERATE = (
	'GET /api/health' => 'the ingest contract defines /api/health',
	'GET /api/ingest' => 'a known path: 405 by the ingest contract',
	'GET /api/' => 'no route: 404 not_found (the reference redirects ' .
	    'to /api, its 404), benchingest(8)',
	'GET /api/chart/' => 'a read route without a slug: 404 not_found ' .
	    '(the reference redirects to /api/chart, its 404), benchingest(8)',
);
my $DIFFS_SHOWN = $ENV{PARITY_SHOW} // 8;	# mismatches printed in full

# ---------------------------------------------------------------- JSON

# The text JSON.stringify would write for the JSON text $s (characters):
# no blanks, strings with the fewest escapes, numbers as JavaScript prints
# them; member order kept.  undef when $s is not JSON.
my %ESC = ('"' => '\\"', '\\' => '\\\\', "\n" => '\\n', "\r" => '\\r',
    "\t" => '\\t', "\b" => '\\b', "\f" => '\\f');
my %UNESC = ('"' => '"', '\\' => '\\', '/' => '/', b => "\b", f => "\f",
    n => "\n", r => "\r", t => "\t");

sub js_string {
	my ($s) = @_;
	$s =~ s/(["\\\x00-\x1f\x{d800}-\x{dfff}])/$ESC{$1} \/\/ sprintf('\\u%04x', ord $1)/ge;
	return qq{"$s"};
}

sub unescape {
	my ($s) = @_;
	$s =~ s{\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))}{
		defined $1 ? chr(0x10000 + ((hex($1) - 0xd800) << 10) +
		    hex($2) - 0xdc00) : defined $3 ? chr(hex $3) : $UNESC{$4}
	}ge;
	return $s;
}

# Number.prototype.toString of the double nearest to the literal.
sub js_number {
	my ($tok) = @_;
	if ($tok =~ s/^-//) {
		my $abs = js_number($tok);
		return $abs eq '0' ? '0' : "-$abs";
	}
	return $tok if $tok =~ /^\d{1,15}\z/;
	my ($v) = POSIX::strtod($tok);
	return '0' if $v == 0;
	my ($digits, $exp);
	for my $p (0 .. 16) {
		my $s = sprintf '%.*e', $p, $v;
		next unless (POSIX::strtod($s))[0] == $v;
		($digits, $exp) = $s =~ /^(\d(?:\.\d+)?)e([-+]\d+)\z/;
		last;
	}
	$digits =~ s/\.//;
	$digits =~ s/0+\z// if length $digits > 1;
	my ($k, $n) = (length $digits, $exp + 1);
	return $digits . '0' x ($n - $k) if $k <= $n && $n <= 21;
	return substr($digits, 0, $n) . '.' . substr($digits, $n)
	    if 0 < $n && $n <= 21;
	return '0.' . '0' x -$n . $digits if -6 < $n && $n <= 0;
	my $m = length $digits > 1 ?
	    substr($digits, 0, 1) . '.' . substr($digits, 1) : $digits;
	return $m . 'e' . ($n - 1 >= 0 ? '+' : '-') . abs($n - 1);
}

sub canon {
	my ($s) = @_;
	my $out = '';
	pos($s) = 0;
	for (;;) {
		if ($s =~ /\G[ \t\n\r]+/gc) {
		} elsif ($s =~ /\G("[^"\\\x00-\x1f]*")/gc) {
			$out .= $1;
		} elsif ($s =~ /\G"((?:[^"\\\x00-\x1f]|\\.)*)"/gcs) {
			$out .= js_string(unescape($1));
		} elsif ($s =~ /\G(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/gc) {
			$out .= js_number($1);
		} elsif ($s =~ /\G([{}\[\]:,]|true|false|null)/gc) {
			$out .= $1;
		} else {
			last;
		}
	}
	return pos($s) == length $s ? $out : undef;
}

# The JSON path ($.a[3].b) of the value at character $at of canonical text.
sub path_at {
	my ($s, $at) = @_;
	my @stack;		# [type, key or index]
	my $key;
	pos($s) = 0;
	while (pos($s) < $at && $s =~ /\G("(?:[^"\\]|\\.)*"|[^"{}\[\]:,]+|.)/gcs) {
		my $tok = $1;
		if ($tok eq '{') { push @stack, ['{', undef]; $key = 1 }
		elsif ($tok eq '[') { push @stack, ['[', 0]; $key = 0 }
		elsif ($tok eq '}' || $tok eq ']') { pop @stack; $key = 0 }
		elsif ($tok eq ',') {
			if ($stack[-1][0] eq '[') { $stack[-1][1]++ }
			else { $key = 1 }
		} elsif ($tok eq ':') { $key = 0 }
		elsif ($key) { $stack[-1][1] = unescape(substr $tok, 1, -1) }
	}
	return '$' . join '', map { $_->[0] eq '[' ? "[$_->[1]]" :
	    defined $_->[1] ? ".$_->[1]" : '' } @stack;
}

# The members of the canonical JSON object $s: ([name, text], ...).
sub members {
	my ($s) = @_;
	return unless $s =~ /^\{/;
	my (@m, $key, $start);
	my $depth = 0;
	pos($s) = 1;
	while ($s =~ /\G("(?:[^"\\]|\\.)*"|[^"{}\[\]:,]+|.)/gcs) {
		my $tok = $1;
		if ($tok eq '{' || $tok eq '[') {
			$depth++;
		} elsif ($tok eq '}' || $tok eq ']') {
			last if $depth-- == 0;
		} elsif ($depth) {
		} elsif ($tok eq ':') {
			$start = pos $s;
		} elsif ($tok eq ',') {
			push @m, [$key, substr $s, $start, pos($s) - 1 - $start];
			undef $key;
		} elsif (!defined $key) {
			$key = unescape(substr $tok, 1, -1);
		}
	}
	push @m, [$key, substr $s, $start, length($s) - 1 - $start]
	    if defined $key;
	return @m;
}

# Which members differ: "name" (value), "-name" (benchingest lacks it),
# "+name" (only benchingest has it), "order" (same members, other order).
sub member_diff {
	my ($rc, $oc) = @_;
	my @r = members($rc);
	my @o = members($oc);
	my %o = map { $_->[0] => $_->[1] } @o;
	my %r = map { $_->[0] => 1 } @r;
	my @d = map { !exists $o{$_->[0]} ? "-$_->[0]" :
	    $o{$_->[0]} ne $_->[1] ? $_->[0] : () } @r;
	push @d, map { $r{$_->[0]} ? () : "+$_->[0]" } @o;
	my @ro = grep { exists $o{$_} } map { $_->[0] } @r;
	my @oo = grep { $r{$_} } map { $_->[0] } @o;
	push @d, 'order' if "@ro" ne "@oo";
	return join ', ', @d;
}

# ---------------------------------------------------------------- answers

sub read_answers {
	my @a;
	open my $fh, '-|', 'xz', '-dc', $answers or die "xz: $!";
	binmode $fh;
	my $json = JSON::PP->new->utf8;
	while (defined(my $line = <$fh>)) {
		my $rec = $json->decode($line);
		read($fh, my $body, $rec->{body_length}) == $rec->{body_length} or
		    die "$answers: short body";
		getc $fh;
		$rec->{body} = $body;
		push @a, $rec;
	}
	close $fh or die "$answers: xz failed";
	return @a;
}

my @answers = read_answers();
my $t = BenchTest->new;
my ($collate) = $t->dbh->selectrow_array('SELECT datcollate FROM ' .
    'pg_database WHERE datname = current_database()');
if ($collate !~ /^(?:C|POSIX|C\.UTF-?8)\z/i) {
	# The reference sorted in byte order (its database's locale was C).
	undef $t;
	$t = BenchTest->new(private_cluster => 1);
}
RealisticData::load($t);
my $http = HTTP::Tiny->new(max_redirect => 0, keep_alive => 1, timeout => 120);
my $base = $t->base_url;

my (%classes, $shown, $mismatches);
for my $ref (@answers) {
	my %h = %{ $ref->{request_headers} };
	my $case = delete $h{'X-Case'};
	my $what = "$ref->{method} $ref->{path}";
	(my $short = $what) =~ s/(\.[A-Za-z0-9_-]{12})[A-Za-z0-9_=+\/-]+/$1.../g;
	$short .= " ($case)" if $case;
	$short .= " [Accept-Encoding: $h{'Accept-Encoding'}]"
	    if $h{'Accept-Encoding'};
	if (my $why = $DELIBERATE{$what}) {
		pass("$short: not compared: $why");
		next;
	}
	my $r = $http->request($ref->{method}, "$base$ref->{path}",
	    { headers => \%h });
	my $body = $r->{content} // '';
	if (($r->{headers}{'content-encoding'} // '') eq 'gzip') {
		my $plain;
		gunzip(\$body => \$plain) or die "gunzip: $GunzipError";
		$body = $plain;
	}
	my ($class, @why);
	my $rtype = $ref->{headers}{'content-type'} // '';
	if ($r->{status} != $ref->{status}) {
		$class = "status $ref->{status} -> $r->{status}";
		@why = ("status: reference $ref->{status}, benchingest $r->{status}");
	} elsif ($ref->{status} =~ /^30/ && ($r->{headers}{location} // '') =~
	    s{^https?://[^/]+}{}r ne ($ref->{headers}{location} // '')) {
		$class = 'Location';
		@why = ("Location: reference $ref->{headers}{location}, " .
		    'benchingest ' . ($r->{headers}{location} // 'none'));
	} elsif ($rtype =~ m{^application/json} && $ref->{method} ne 'HEAD' &&
	    $body ne $ref->{body}) {
		my ($rb, $ob) = ($ref->{body}, $body);
		utf8::decode($rb);
		if (!utf8::decode($ob)) {
			$class = 'body not UTF-8';
		} else {
			my ($rc, $oc) = (canon($rb), canon($ob));
			if (!defined $oc) {
				$class = 'body not JSON';
				@why = ('benchingest: ' . substr($ob, 0, 200));
			} elsif ($rc ne $oc) {
				my $i = 0;
				$i++ while substr($rc, $i, 1) eq substr($oc, $i, 1);
				my $path = path_at($rc, $i);
				my $route = $ref->{path} =~ m{^/api/(\w+)} ? $1 : '?';
				$class = "$route $ref->{status}: " .
				    member_diff($rc, $oc);
				my $from = $i > 60 ? $i - 60 : 0;
				@why = ("first difference at $path:",
				    '  reference:   ' . substr($rc, $from, 160),
				    '  benchingest: ' . substr($oc, $from, 160));
			}
		}
	}
	if (!ok(!defined $class, $short)) {
		$mismatches++;
		$classes{$class}++;
		diag(join "\n", "$what", @why) if $shown++ < $DIFFS_SHOWN;
	}
}
if ($mismatches) {
	diag(sprintf '%d of %d answers differ; by route, status and members that differ:',
	    $mismatches, scalar @answers);
	diag(sprintf '%5d  %s', $classes{$_}, $_) for sort {
	    $classes{$b} <=> $classes{$a} || $a cmp $b } keys %classes;
}
done_testing;
