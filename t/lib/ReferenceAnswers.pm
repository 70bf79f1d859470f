package ReferenceAnswers;

# The reference read service's captured answers (t/reference/answers.xz,
# format in t/reference/README), read into memory: for t/read-parity.t,
# which asks benchingest the same requests, and for t/lib/ReferenceSite.pm,
# which serves them to the site while benchingest cannot yet.

use strict;
use warnings;

use Carp qw(croak);
use File::Basename qw(dirname);
use JSON::PP;

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

1;
