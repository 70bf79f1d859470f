package Envelopes;

# Small helpers shared by the ingest tests (t/ingest-*.t, t/http-matrix.t):
#
#   raw_json($env, value => {PATH => RAW}, member => {OBJPATH => RAW})
#	The canonical JSON text (bytes) of the Perl structure $env, with the
#	value at each PATH replaced by the bytes RAW verbatim, and the raw
#	member text RAW (e.g. '"kind":"x"') added first to the object at
#	OBJPATH ('' is the envelope itself).  This is how the tests send
#	what JSON::PP would never produce: NaN, 1.0, 1e3, 2^63, invalid
#	UTF-8, duplicate member names.  PATH uses the dotted notation of
#	BenchTest::envelope(): 'records.1.value_ns', 'commit.sha'.
#	$env is modified.
#
#   fresh_envelope(%overrides)
#	BenchTest::envelope() pointed at a new random commit sha (commit.sha
#	and every record's commit_sha), so that every record is new to the
#	database; then the overrides, as for BenchTest::envelope(): a dotted
#	path set to a value, or deleted when the value is undef.
#
#   raw_request($t, $method, $path, \@header_lines, $body)
#	An HTTP/1.0 request written byte for byte to nginx, for what
#	HTTP::Tiny will not send (a POST without a Content-Type).  Returns
#	the same hash as BenchTest::request.
#
#   error_is($r, $status, $error, $name)
#	The response has this status, a JSON content type and a JSON body
#	whose "error" member is $error.  One test.
#
#   message_names($r, \@fragments, $name)
#	The "message" member contains every fragment verbatim.  One test
#	per fragment.

use strict;
use warnings;

use Carp qw(croak);
use Exporter qw(import);
use IO::Socket::INET;
use JSON::PP;
use Test::More ();

use BenchTest ();

our @EXPORT_OK = qw(raw_json fresh_envelope raw_request error_is
    message_names);

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

sub _node {
	my ($env, $path) = @_;
	my $node = $env;
	for my $p (grep { length } split /\./, $path) {
		$node = ref $node eq 'ARRAY' ? $node->[$p] : $node->{$p};
		croak "raw_json: no $path" unless ref $node;
	}
	return $node;
}

sub _bytes {
	my ($s) = @_;
	utf8::encode($s) if $s =~ /[^\x00-\xff]/;
	return $s;
}

sub raw_json {
	my ($env, %o) = @_;
	my (%subst, $n);
	for my $path (sort keys %{ $o{value} || {} }) {
		my @p = split /\./, $path;
		my $last = pop @p;
		my $node = _node($env, join '.', @p);
		my $mark = sprintf '@@RAW%d@@', $n++;
		if (ref $node eq 'ARRAY') { $node->[$last] = $mark }
		else { $node->{$last} = $mark }
		$subst{qq{"$mark"}} = _bytes($o{value}{$path});
	}
	for my $path (sort keys %{ $o{member} || {} }) {
		my $node = _node($env, $path);
		croak "raw_json: $path is not an object" unless ref $node eq 'HASH';
		my $mark = sprintf '@@MEM%d@@', $n++;
		$node->{$mark} = $mark;
		$subst{qq{"$mark":"$mark"}} = _bytes($o{member}{$path});
	}
	my $text = $JSON->encode($env);
	for my $k (keys %subst) {
		my $i = index $text, $k;
		croak "raw_json: marker $k not found" if $i < 0;
		substr($text, $i, length $k) = $subst{$k};
	}
	return $text;
}

sub fresh_envelope {
	my (%over) = @_;
	my $env = BenchTest::envelope();
	my $sha = BenchTest::random_sha();
	$env->{commit}{sha} = $sha;
	$_->{commit_sha} = $sha for @{ $env->{records} };
	# The overrides come last, so that they may change a commit_sha too.
	for my $path (sort keys %over) {
		my @p = split /\./, $path;
		my $last = pop @p;
		my $node = _node($env, join '.', @p);
		if (ref $node eq 'ARRAY') {
			if (defined $over{$path}) { $node->[$last] = $over{$path} }
			else { splice @$node, $last, 1 }
		} elsif (defined $over{$path}) {
			$node->{$last} = $over{$path};
		} else {
			delete $node->{$last};
		}
	}
	return $env;
}

sub raw_request {
	my ($t, $method, $path, $headers, $body) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $t->nginx_port, Proto => 'tcp', Timeout => 120)
	    or croak "connect: $!";
	$body //= '';
	my $req = "$method $path HTTP/1.0\r\nHost: 127.0.0.1\r\n" .
	    join('', map { "$_\r\n" } @{ $headers || [] }) .
	    'Content-Length: ' . length($body) . "\r\n\r\n" . $body;
	print {$s} $req;
	local $/;
	my $resp = <$s> // '';
	close $s;
	my ($head, $content) = split /\r\n\r\n/, $resp, 2;
	my ($status_line, @lines) = split /\r\n/, $head // '';
	my ($status) = ($status_line // '') =~ m{^HTTP/\S+\s+(\d+)};
	my %h;
	for (@lines) {
		my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
		$h{lc $k} = $v;
	}
	my %res = (status => $status // 0, headers => \%h,
	    content => $content // '', json => undef);
	if (($h{'content-type'} // '') =~ m{^application/json}i) {
		$res{json} = eval { $JSON->decode($res{content}) };
	}
	return \%res;
}

sub error_is {
	my ($r, $status, $error, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $ok = $r->{status} == $status &&
	    ($r->{headers}{'content-type'} // '') =~ m{^application/json} &&
	    ref $r->{json} eq 'HASH' && ($r->{json}{error} // '') eq $error;
	Test::More::ok($ok, $name) or Test::More::diag(
	    "expected $status {\"error\":\"$error\"}, got $r->{status} " .
	    ($r->{headers}{'content-type'} // '(no content type)') . ' ' .
	    substr($r->{content}, 0, 500));
	return $ok;
}

sub message_names {
	my ($r, $frags, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $msg = ref $r->{json} eq 'HASH' ? $r->{json}{message} // '' : '';
	for my $f (@$frags) {
		Test::More::ok(index($msg, $f) >= 0,
		    "$name: message names $f") or
		    Test::More::diag("message: $msg");
	}
}

1;
