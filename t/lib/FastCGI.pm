package FastCGI;

# A minimal FastCGI client (responder role, one request per connection),
# for what nginx would never send: any parameters, empty ones included.
#
#   FastCGI::request($addr, \%params, $stdin, $timeout)
#	Sends one request to HOST:PORT and reads the answer.  Returns
#	{status, headers (lower-case keys), body}, or undef when no complete
#	answer came within $timeout seconds (default 10).

use strict;
use warnings;

use Carp qw(croak);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

my ($BEGIN_REQUEST, $END_REQUEST, $PARAMS, $STDIN, $STDOUT) = (1, 3, 4, 5, 6);

sub _record {
	my ($type, $content) = @_;
	return pack('CCnnCx', 1, $type, 1, length $content, 0) . $content;
}

sub _length {
	my ($n) = @_;
	return $n < 128 ? pack('C', $n) : pack('N', $n | 0x80000000);
}

sub request {
	my ($addr, $params, $stdin, $timeout) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => $addr, Proto => 'tcp',
	    Timeout => 10) or croak "connect $addr: $!";
	my $p = join '', map { _length(length $_) .
	    _length(length $params->{$_}) . $_ . $params->{$_} } sort keys %$params;
	$stdin //= '';
	my $out = _record($BEGIN_REQUEST, pack('nCx5', 1, 0)) .
	    _record($PARAMS, $p) . _record($PARAMS, '') .
	    (length $stdin ? _record($STDIN, $stdin) : '') . _record($STDIN, '');
	print {$s} $out;

	my $deadline = time + ($timeout // 10);
	my $sel = IO::Select->new($s);
	my ($buf, $stdout) = ('', '');
	for (;;) {
		while (length $buf >= 8) {
			my (undef, $type, undef, $len, $pad) = unpack 'CCnnC', $buf;
			last if length $buf < 8 + $len + $pad;
			my $content = substr $buf, 8, $len;
			substr($buf, 0, 8 + $len + $pad) = '';
			$stdout .= $content if $type == $STDOUT;
			return _parse($stdout) if $type == $END_REQUEST;
		}
		my $left = $deadline - time;
		return undef if $left <= 0 || !$sel->can_read($left);
		my $n = sysread $s, $buf, 65536, length $buf;
		return undef unless $n;
	}
}

sub _parse {
	my ($stdout) = @_;
	my ($head, $body) = split /\r\n\r\n/, $stdout, 2;
	my %h;
	for (split /\r\n/, $head // '') {
		my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
		$h{lc $k} = $v;
	}
	my ($status) = ($h{status} // '200') =~ /^(\d+)/;
	return { status => $status, headers => \%h, body => $body // '' };
}

1;
