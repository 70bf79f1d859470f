#!/usr/bin/perl
# Paths agree within every build: `make install` of a plain ./configure
# (/usr/local) and of ./configure --prefix=/usr --sysconfdir=/etc, into a
# DESTDIR.  Every installed file that names where benchingest's own files
# are (man pages, examples, units, tmpfiles, nginx files, the migration
# script) names this build's paths, which the install holds or tmpfiles.d
# makes, and never another build's.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Find;
use File::Temp qw(tempdir);
use Test::More;
use BenchTest;

my $top = $BenchTest::TOP;
plan skip_all => 'not a git checkout (the build copies git ls-files)'
    unless -e "$top/.git";

my %layouts = (
	'/usr/local' => { configure => '', prefix => '/usr/local',
	    etc => '/usr/local/etc', var => '/usr/local/var',
	    run => '/usr/local/var/run' },
	'/usr' => { configure => '--prefix=/usr --sysconfdir=/etc',
	    prefix => '/usr', etc => '/etc', var => '/var', run => '/run' },
);

for my $name (sort keys %layouts) {
	my $l = $layouts{$name};
	subtest "./configure $l->{configure}" => sub {
		my $dir = tempdir('install-paths.XXXXXX', TMPDIR => 1, CLEANUP => 1);
		system("cd $top && git ls-files -z --cached --others --exclude-standard | "
		    . "tar --null -T - -cf - | tar -C $dir -xf -") == 0
		    or BAIL_OUT('cannot copy the tree');
		my $r = BenchTest::run_cmd(['sh', '-c', "cd $dir && autoreconf -fi && "
		    . "./configure -q $l->{configure} && make -s -j2 && "
		    . "make -s install DESTDIR=$dir/root"], timeout => 900);
		is($r->{exit}, 0, 'builds and installs') or
		    return diag(substr("$r->{stdout}$r->{stderr}", -2000));
		my $root = "$dir/root";
		my %want = (
		    "$l->{prefix}/sbin/benchingest" => 1,
		    "$l->{prefix}/sbin/benchingest-migrate" => 1,
		    "$l->{etc}/benchingest.conf" => 1,
		    "$l->{prefix}/share/benchingest/nginx/benchingest.conf" => 1,
		    "$l->{prefix}/share/benchingest/nginx/benchingest-cache.conf" => 1,
		    "$l->{prefix}/share/benchingest/sql/001_tables.sql" => 1,
		    "$l->{prefix}/lib/systemd/system/benchingest.socket" => 1,
		    "$l->{prefix}/lib/tmpfiles.d/benchingest.conf" => 1,
		    "$l->{prefix}/lib/sysusers.d/benchingest.conf" => 1,
		    "$l->{prefix}/share/man/man8/benchingest.8" => 1);
		ok(-e "$root$_", "installs $_") for sort keys %want;

		# What tmpfiles.d makes at run time.
		my $tmpfiles = BenchTest::slurp("$root$l->{prefix}/lib/tmpfiles.d/benchingest.conf");
		my @made = $tmpfiles =~ /^d (\S+) /mg;
		is_deeply(\@made, ["$l->{run}/benchingest", "$l->{var}/cache/benchingest",
		    "$l->{var}/log/benchingest"], 'tmpfiles.d makes the run, cache and log directories');

		my (%named, @foreign);
		# Another build's paths: /usr without /local, /etc, /var, /run
		# where this build has others.
		my @other = $name eq '/usr/local'
		    ? (qr{(?<![\w/.])/usr/(?:sbin|share|lib)/(?:\S*/)?benchingest},
		       qr{(?<![\w/.])/etc/benchingest}, qr{(?<![\w/.])/run/benchingest},
		       qr{(?<![\w/.])/var/(?:cache|log)/benchingest})
		    : (qr{/usr/local/});
		find({ no_chdir => 1, wanted => sub {
			return unless -f $_ && !-B $_;
			my $file = substr($_, length $root);
			my $text = BenchTest::slurp($_);
			$text =~ s/\\-/-/g;	# man pages
			for my $re (@other) {
				push @foreign, "$file: $&" while $text =~ /$re\S*/g;
			}
			# The Debian package's own logrotate file may be named.
			@foreign = grep { !m{: /etc/logrotate\.d/benchingest} } @foreign;
			for my $p ($text =~ m{(?<![\w/.])((?:/[\w.-]+)+)}g) {
				$p =~ s/\.+$//;
				next unless $p =~ m{benchingest} &&
				    $p =~ m{^/(?:usr|etc|var|run|lib)/};
				$named{$p} //= $file;
			}
		} }, $root);
		is_deeply(\@foreign, [], 'no installed file names another build\'s paths')
		    or diag explain \@foreign;
		my @missing;
		for my $p (sort keys %named) {
			next if -e "$root$p";
			# Made at run time, in what tmpfiles.d makes; the operator's
			# token and password files; nginx's site.
			next if grep { index($p, "$_/") == 0 || $p eq $_ } @made;
			# Other programs' places: what the operator copies
			# there, what nginx writes.
			next if $p =~ m{^\Q$l->{etc}\E/benchingest(?:/|$)|
			    ^/etc/(?:nginx|logrotate\.d)/|^/var/log/nginx/}x;
			push @missing, "$p (named in $named{$p})";
		}
		is_deeply(\@missing, [], 'every path they name is installed or made by tmpfiles.d')
		    or diag explain \@missing;
		cmp_ok(scalar keys %named, '>=', 15, 'and they name many');
	};
}

done_testing;
