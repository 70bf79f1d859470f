package SiteStack;

# The site served as in production, for the browser tests and bench/site:
# nginx with the shipped snippet and site file (through BenchTest) in
# front of one of two backends.
#
#   real  benchingest (BenchTest: a fresh database, the real master and
#         workers) with the realistic data set loaded through the ingest
#         API (t/lib/RealisticData.pm), unless empty => 1;
#   dev   t/lib/ReferenceSite.pm, which answers the read API with the
#         reference's captured answers on that same data set and renders
#         the pages by the site's HTML contract: the front end in
#         isolation, while benchingest cannot render the pages yet.
#
# Both answer the same URLs with the same JSON, so a test written against
# one runs against the other.

use strict;
use warnings;

use Carp qw(croak);
use File::Basename qw(dirname);
use HTTP::Tiny;
use JSON::PP;
use lib dirname(__FILE__);
use BenchTest;

my $LIB = dirname(__FILE__);

# %o: backend => 'real' | 'dev', empty => 1 (no data).
sub new {
	my ($class, %o) = @_;
	_check_built();
	my $backend = $o{backend} // 'real';
	my $self = bless { backend => $backend, empty => $o{empty} }, $class;
	if ($backend eq 'real') {
		$self->{t} = BenchTest->new;
		if (!$o{empty}) {
			require RealisticData;
			RealisticData::load($self->{t});
		}
	} elsif ($backend eq 'dev') {
		my $t = $self->{t} = BenchTest->new(no_database => 1, start => 0);
		my $sock = $t->socket_path;
		$t->spawn([$^X, "$LIB/ReferenceSite.pm", '--socket', $sock,
		    ($o{empty} ? '--empty' : ())], out => $t->dir . '/reference-site.log');
		BenchTest::wait_for(sub { -S $sock }, 60) or
		    croak 'the reference site did not start: ' .
		    (BenchTest::slurp($t->dir . '/reference-site.log') // '');
		$t->start_nginx;
	} else {
		croak "SiteStack: unknown backend $backend";
	}
	return $self;
}

# nginx sends the gzip copies `make` writes: one older than its file
# would test yesterday's site.
sub _check_built {
	my $static = BenchTest::site_dir() . '/static';
	croak "$static/vendor/chart.min.js is missing: run make"
	    unless -f "$static/vendor/chart.min.js";
	for my $f (glob("$static/*.gz"), glob("$static/vendor/*.gz")) {
		(my $src = $f) =~ s/\.gz\z//;
		croak "$f is older than $src: run make"
		    if -f $src && (stat $src)[9] > (stat $f)[9];
	}
}

sub backend { $_[0]{backend} }
sub benchtest { $_[0]{t} }
sub base_url { $_[0]{t}->base_url }
sub can_ingest { $_[0]{backend} eq 'real' }

# GET through nginx: {status, headers, content, json}.
sub get {
	my ($self, $path, $headers) = @_;
	return $self->{t}->request('GET', $path, $headers);
}

# The decoded JSON of a read-API path; croaks unless 200.
sub api {
	my ($self, $path) = @_;
	my $r = $self->get($path);
	croak "GET $path: $r->{status}" unless $r->{status} == 200 && $r->{json};
	return $r->{json};
}

sub ingest {
	my ($self, @args) = @_;
	croak 'the dev backend takes no ingest' unless $self->can_ingest;
	return $self->{t}->ingest(@args);
}

1;
