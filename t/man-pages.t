#!/usr/bin/perl
# The man pages render without a single groff warning, and between them
# document every config key, option and signal the program has.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/..";
my @pages = map { "$top/man/$_" } qw(benchingest.8 benchingest.conf.5 benchingest-migrate.8);

for my $page (@pages) {
	ok(-f $page, "$page exists") or next;
	my $out = `groff -man -Tutf8 -ww -z $page 2>&1`;
	is($out, '', "$page renders without warnings");
}

sub slurp { local (@ARGV, $/) = @_; <> }

# Keys as the parser knows them, read from the source so a new key without
# documentation fails here.
my $config_c = slurp("$top/src/config.c");
my @keys = $config_c =~ /^\t\{ "([a-z_]+)", KEY_/mg;
ok(@keys >= 8, 'found the config keys in src/config.c') or diag(scalar @keys);
my $conf5 = slurp("$top/man/benchingest.conf.5");
for my $key (@keys) {
	like($conf5, qr/^\.B(?:R)? \Q$key\E\b|^\.TP\n\.B \Q$key\E/m,
	    "benchingest.conf(5) documents $key");
}

my $main_c = slurp("$top/src/main.c");
my ($optstring) = $main_c =~ /getopt\(argc, argv, "([^"]+)"\)/;
ok($optstring, 'found the option string in src/main.c');
my $page8 = slurp("$top/man/benchingest.8");
for my $opt (grep { /[a-zA-Z]/ } split //, $optstring // '') {
	like($page8, qr/\\-\Q$opt\E\b/, "benchingest(8) documents -$opt");
}
# Every route in the routing table, and every FastCGI parameter read.
my $routes_c = slurp("$top/src/routes.c");
my @routes = $routes_c =~ /^\t\{ "(\/[^"]*)", "/mg;
ok(@routes >= 7, 'found the routes in src/routes.c') or diag(scalar @routes);
for my $route (@routes) {
	(my $shown = $route) =~ s/-/\\-/g;
	like($page8, qr/\Q$shown\E/, "benchingest(8) documents $route");
}
my $http_c = slurp("$top/src/http.c");
for my $param ($http_c =~ /FCGX_GetParam\("([A-Z_]+)"/g) {
	like($page8, qr/\Q$param\E/, "benchingest(8) documents the parameter $param");
}
for my $sig (qw(SIGTERM SIGINT SIGHUP)) {
	like($page8, qr/\Q$sig\E/, "benchingest(8) documents $sig");
}
for my $var (qw(INGEST_BEARER_TOKEN BENCH_REVALIDATE_TOKEN)) {
	like($page8, qr/\Q$var\E/, "benchingest(8) documents $var");
}

done_testing;
