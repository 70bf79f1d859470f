package SiteStack;

# The site served as in production, for the browser tests, bench/site and
# script/site-preview: benchingest (BenchTest: a fresh database, the real
# master and workers) behind nginx with the shipped snippet and site file,
# with the realistic data set (t/lib/RealisticData.pm: 38 groups, 173
# charts, 200 commits) loaded through the ingest API, unless empty => 1.
# Four workers, so two reads at once (max_concurrent_reads): a third gets
# 503 and Retry-After, which the site's scripts wait out.

use strict;
use warnings;

use Carp qw(croak);
use File::Basename qw(dirname);
use lib dirname(__FILE__);
use BenchTest;

# %o: empty => 1 (no data); the rest goes to BenchTest->new.
sub new {
	my ($class, %o) = @_;
	_check_built();
	my $empty = delete $o{empty};
	my $self = bless { t => BenchTest->new(workers => 4, %o) }, $class;
	if (!$empty) {
		require RealisticData;
		RealisticData::load($self->{t});
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

sub benchtest { $_[0]{t} }
sub base_url { $_[0]{t}->base_url }

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

# Every read answer in nginx's cache, as after the first visitors (and
# after the listener's own change of generation for the data loaded), in
# the encoding browsers ask for: the cache holds gzip and identity apart.
# The groups of /api/groups.
sub cache_all {
	my ($self) = @_;
	my %gzip = ('Accept-Encoding' => 'gzip');
	$self->{t}->wait_cached('/api/groups', 10, \%gzip)
	    or croak "the read cache does not fill";
	my $groups = $self->api('/api/groups')->{groups};
	$self->get("/api/chart/$_->{slug}", \%gzip)
	    for map { @{ $_->{charts} } } @$groups;
	return $groups;
}

sub ingest {
	my ($self, @args) = @_;
	return $self->{t}->ingest(@args);
}

1;
