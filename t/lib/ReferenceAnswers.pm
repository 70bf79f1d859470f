package ReferenceAnswers;

# The reference read service's captured answers (t/reference/answers.xz,
# format in t/reference/README), read into memory for t/read-parity.t,
# which asks benchingest the same requests; and the form in which the
# reference writes a number (JavaScript's).

use strict;
use warnings;

use Carp qw(croak);
use File::Basename qw(dirname);
use JSON::PP;
use POSIX ();

our $FILE = dirname(__FILE__) . '/../reference/answers.xz';

# Every entry, in the order captured: hashes with the members of the JSON
# line (method, path, request_headers, status, headers, body_length) and
# body, the body's bytes.  Croaks when the file is missing or truncated.
sub read_all {
	my ($file) = @_;
	$file //= $FILE;
	croak "$file is missing" unless -f $file;
	my @a;
	open my $fh, '-|', 'xz', '-dc', $file or croak "xz: $!";
	binmode $fh;
	my $json = JSON::PP->new->utf8;
	while (defined(my $line = <$fh>)) {
		my $rec = $json->decode($line);
		read($fh, my $body, $rec->{body_length}) == $rec->{body_length} or
		    croak "$file: short body";
		getc $fh;
		$rec->{body} = $body;
		push @a, $rec;
	}
	close $fh or croak "$file: xz failed";
	return @a;
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

1;
