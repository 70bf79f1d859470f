#!/usr/bin/perl
# The man pages, as the build makes them from man/*.in with its own paths,
# render without a single groff or mandoc warning, and between them
# document every config key, option, signal, environment variable and
# installed file the program has.
use strict;
use warnings;
use FindBin;
use Test::More;

my $top = "$FindBin::Bin/..";
sub slurp { local (@ARGV, $/) = @_; <> }
my @pages = map { "$top/man/$_" } qw(benchingest.8 benchingest.conf.5 benchingest-migrate.8);

for my $page (@pages) {
	ok(-f $page, "$page is built from $page.in") or next;
	my $out = `groff -man -Tutf8 -ww -z $page 2>&1`;
	is($out, '', "$page renders without warnings");
	SKIP: {
		skip 'mandoc is not installed', 1 unless `which mandoc` =~ /\S/;
		$out = `mandoc -Tlint $page 2>&1`;
		is($out, '', "mandoc -Tlint $page is clean");
	}
	unlike(slurp($page), qr/\@[a-zA-Z_]+\@/, "$page names no unmade \@path\@");
}


# Keys as the parser knows them, with their defaults, read from the table
# in the source so that a new key without documentation, or a default
# changed on one side only, fails here.
my $config_c = slurp("$top/src/config.c");
my %default;
while ($config_c =~ /^\t\{ "([a-z_]+)", KEY_\w+, OFF\(\w+\),\s+[^,]+, [^,]+,\s+(NULL|"[^"]*") \},$/mg) {
	$default{$1} = $2 eq 'NULL' ? undef : substr($2, 1, -1);
}
my @keys = $config_c =~ /^\t\{ "([a-z_]+)", KEY_/mg;
ok(@keys >= 8, 'found the config keys in src/config.c') or diag(scalar @keys);
is_deeply([sort keys %default], [sort @keys], '... each with its default');
my $conf5 = slurp("$top/man/benchingest.conf.5");
for my $key (@keys) {
	like($conf5, qr/^\.B(?:R)? \Q$key\E\b|^\.TP\n\.B \Q$key\E/m,
	    "benchingest.conf(5) documents $key");
	# Its entry, up to the first .IP, as text: "Integer, 1 to 256. Default: 2."
	my ($entry) = $conf5 =~ /^\.TP\n\.B \Q$key\E\n(.*?)^\.(?:IP|TP|SS|SH)\b/ms;
	$entry = join ' ', map { s/^\.[BIR]{1,2} //r } split /\n/, $entry // '';
	$entry =~ s/ \././g;
	if (defined $default{$key}) {
		like($entry, qr/\bDefault: \Q$default{$key}\E[ .]/,
		    "... with the default of the table, $default{$key}");
	} else {
		like($entry, qr/\b(?:No default|Required)\b|\bDefault: [a-z]/,
		    '... with no default, as in the table, or one it derives');
	}
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
for my $sig (qw(SIGTERM SIGINT SIGHUP SIGUSR1)) {
	like($page8, qr/^\.B(?:R)? \Q$sig\E\b/m, "benchingest(8) documents $sig");
}
for my $var (qw(LISTEN_FDS LISTEN_PID)) {
	like($page8, qr/\Q$var\E/, "benchingest(8) documents $var");
}
# Every file benchingest writes or make install puts in place.
my ($files) = $page8 =~ /^\.SH FILES\n(.*?)^\.SH /ms;
for my $file (qw(benchingest.conf benchingest.pid benchingest.log
    benchingest.sock benchingest.service benchingest.socket
    tmpfiles.d/benchingest.conf sysusers.d/benchingest.conf
    benchingest.logrotate nginx/benchingest.conf
    nginx/benchingest\-cache.conf nginx/benchingest\-server.conf.example
    ingest.token cache/benchingest/nginx)) {
	like($files // '', qr/\Q$file\E/, "benchingest(8) FILES names $file");
}
like($page8, qr/^\.SS systemd$/m, 'benchingest(8) has a systemd section');
my ($logging) = $page8 =~ /^\.SH LOGGING\n(.*?)^\.SH /ms;
for my $word (qw(stderr file syslog RFC SIGUSR1 \\ex)) {
	like($logging // '', qr/\Q$word\E/, "LOGGING speaks of $word");
}
my $migrate8 = slurp("$top/man/benchingest-migrate.8");
like($migrate8, qr/pg_ident/, 'benchingest-migrate(8) has the peer authentication recipe');
like($migrate8, qr/passfile=/, '... and the password one');
for my $var (qw(INGEST_BEARER_TOKEN BENCH_REVALIDATE_TOKEN)) {
	like($page8, qr/\Q$var\E/, "benchingest(8) documents $var");
}

done_testing;
