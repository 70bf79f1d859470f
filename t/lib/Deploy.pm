package Deploy;

# The README's "Running it" steps, run as they stand, against an installed
# benchingest (the .deb, or `make install` of a --prefix=/usr build): shared
# by t/debian-package.t and t/readme-source-build.t.
#
# The commands come from README.md itself, so that the text and the tests
# cannot drift.  Every command line is run verbatim with bash, except the
# few that need what CI has not (systemd, an editor, the host's nginx);
# those are listed in %INSTEAD with what the test does in their place, and
# a command line that is in neither is run too.

use strict;
use warnings;

use Carp qw(croak);
use File::Path qw(make_path);
use IO::Socket::INET;
use Test::More ();

use BenchTest;

# Run instead: the README lines that need systemd or the host's nginx.
# A spawn-fcgi line is the other way to start it: run_deferred runs it
# verbatim once the systemd way has been tested and stopped.
our %INSTEAD = (
	'systemctl enable --now benchingest.socket' => 'start_units',
	'editor /etc/nginx/sites-available/benchingest' => 'edit_site',
	'ln -s ../sites-available/benchingest /etc/nginx/sites-enabled/' =>
	    'skip',
	'nginx -t && systemctl reload nginx' => 'start_nginx',
	'cp /usr/share/benchingest/nginx/benchingest-server.conf.example /etc/nginx/sites-available/benchingest'
	    => 'copy_site',
);

# The code blocks of README.md's "Running it", in order: each a list of
# lines (continuation lines of a for loop belong to their block).
sub readme_blocks {
	my $text = BenchTest::slurp("$BenchTest::TOP/README.md") //
	    croak 'README.md is missing';
	my ($section) = $text =~ /^## Running it\n(.*?)^## /ms
	    or croak 'README.md has no "Running it" section';
	my (@blocks, $cur);
	for my $line (split /\n/, $section) {
		if ($line =~ /^ {7}(\S.*)$/ || ($cur && $line =~ /^ {8,}(\S.*)$/)) {
			push @blocks, $cur = [] unless $cur;
			push @$cur, $line =~ s/^ {7}//r;
		} else {
			undef $cur;
		}
	}
	return @blocks;
}

sub new {
	my ($class, %o) = @_;
	my $self = bless { %o }, $class;
	$self->{dir} // croak 'dir';
	$self->{env} //= {};
	return $self;
}

# Runs one block with bash -e; returns {exit, stdout, stderr}.
sub run_block {
	my ($self, $lines) = @_;
	my $script = join("\n", 'set -e', @$lines) . "\n";
	return BenchTest::run_cmd(['bash', '-c', $script],
	    env => $self->{env}, timeout => 120);
}

# The units as systemd would run them: the socket made with the socket
# unit's owner, group and mode, the service unit's ExecStart as its User=
# and Group=, with the socket passed the systemd way.
sub unit_settings {
	my ($path) = @_;
	my $text = BenchTest::slurp($path) // croak "$path is missing";
	my %kv;
	$kv{$1} = $2 while $text =~ /^(\w+)=(.*)$/mg;
	return \%kv;
}

# What the units promise, read from the installed files; and what
# systemd-analyze verify (which needs no running systemd) says of them.
sub check_units {
	my ($self) = @_;
	my $unitdir = $self->{unitdir};
	my $sock = unit_settings("$unitdir/benchingest.socket");
	my $svc = unit_settings("$unitdir/benchingest.service");
	Test::More::is($sock->{ListenStream}, '/run/benchingest/benchingest.sock',
	    'benchingest.socket: ListenStream=/run/benchingest/benchingest.sock');
	Test::More::is(join(' ', @$sock{qw(SocketUser SocketGroup SocketMode)}),
	    'benchingest www-data 0660', '... benchingest:www-data 0660');
	Test::More::like($svc->{Documentation} // '', qr/man:benchingest\(8\)/,
	    'benchingest.service: Documentation=man:benchingest(8)');
	Test::More::ok(!exists $svc->{ExecStartPre},
	    '... no ExecStartPre (nothing at start needs the database)');
	my ($sec) = ($svc->{RestartSec} // '0') =~ /^(\d+)/;
	Test::More::ok($svc->{Restart} eq 'on-failure' && $sec >= 3,
	    '... Restart=on-failure every 3 s or slower: at most 4 starts in '
	    . 'the 10 s of the default start limit of 5');
	for my $k (qw(NoNewPrivileges ProtectSystem ProtectHome PrivateTmp
	    PrivateDevices CapabilityBoundingSet RestrictAddressFamilies)) {
		Test::More::ok(exists $svc->{$k}, "... hardening: $k=$svc->{$k}");
	}
	SKIP: {
		Test::More::skip('no systemd-analyze', 1)
		    unless -x '/usr/bin/systemd-analyze';
		# --man=no: it would run man(1), which leaves formatted pages
		# in man-db's cache; the pages are looked for below.
		my $r = BenchTest::run_cmd(['/usr/bin/systemd-analyze', 'verify',
		    '--man=no', "$unitdir/benchingest.socket",
		    "$unitdir/benchingest.service"], timeout => 120);
		Test::More::is("$r->{stdout}$r->{stderr}", '',
		    'systemd-analyze verify: the units and their command are sound');
	}
	my @pages = ($svc->{Documentation} // '') =~ /man:([\w.-]+)\((\d)\)/g;
	while (my ($page, $sect) = splice @pages, 0, 2) {
		Test::More::ok(-e "/usr/share/man/man$sect/$page.$sect.gz" ||
		    -e "/usr/share/man/man$sect/$page.$sect",
		    "Documentation=man:$page($sect) is installed");
	}
}

sub start_units {
	my ($self) = @_;
	my $unitdir = $self->{unitdir};
	my $sock = unit_settings("$unitdir/benchingest.socket");
	my $svc = unit_settings("$unitdir/benchingest.service");
	$self->{units} = { socket => $sock, service => $svc };
	my @exec = split ' ', $svc->{ExecStart};
	my @argv = ("$BenchTest::TOP/t/lib/socket-activate",
	    '--socket-user', $sock->{SocketUser},
	    '--socket-group', $sock->{SocketGroup},
	    '--socket-mode', $sock->{SocketMode},
	    '--user', $svc->{User}, '--group', $svc->{Group},
	    $sock->{ListenStream}, '--', @exec);
	$self->{service} = BenchTest::_spawn(\@argv,
	    out => "$self->{dir}/service.out", env => $self->{env});
	return BenchTest::wait_for(sub { -S $sock->{ListenStream} }, 10);
}

sub stop_units {
	my ($self) = @_;
	my $pid = delete $self->{service} or return undef;
	return BenchTest::_terminate($pid, 'TERM', 30);
}

sub copy_site {
	my ($self, $line) = @_;
	my ($from) = $line =~ /^cp (\S+) /;
	$self->{site} = BenchTest::slurp($from) // croak "$from is missing";
	return 1;
}

# What an operator types into the editor: a name, a certificate; here
# also ports of our own and logs in our directory.
sub edit_site {
	my ($self) = @_;
	my $d = $self->{dir};
	my $r = BenchTest::run_cmd(['openssl', 'req', '-x509', '-newkey',
	    'rsa:2048', '-nodes', '-keyout', "$d/key.pem", '-out',
	    "$d/cert.pem", '-days', '1', '-subj', '/CN=localhost']);
	$r->{exit} == 0 or croak "openssl: $r->{stderr}";
	$self->{http_port} = BenchTest::free_port();
	$self->{https_port} = BenchTest::free_port();
	my $site = $self->{site};
	$site =~ s/server_name \S+;/server_name localhost;/g;
	$site =~ s/listen 80;/listen 127.0.0.1:$self->{http_port};/;
	$site =~ s/listen 443 ssl http2;/listen 127.0.0.1:$self->{https_port} ssl http2;/;
	$site =~ s/^\s*listen \[::\]:\d+.*\n//mg;
	$site =~ s{ssl_certificate\s+\S+;}{ssl_certificate $d/cert.pem;};
	$site =~ s{ssl_certificate_key\s+\S+;}{ssl_certificate_key $d/key.pem;};
	$site =~ s{/var/log/nginx/}{$d/}g;
	BenchTest::spew("$d/site.conf", $site);
	return 1;
}

# nginx as Debian runs it: workers as www-data, the site in http { }.
sub start_nginx {
	my ($self) = @_;
	my $d = $self->{dir};
	my @tmp = map { "$d/nginx-tmp/$_" } @BenchTest::NGINX_TEMP;
	make_path(@tmp);
	chown scalar getpwnam('www-data'), -1, @tmp;
	my $temp = BenchTest::nginx_temp_conf("$d/nginx-tmp");
	BenchTest::spew("$d/nginx.conf", <<"EOF");
daemon off;
user www-data;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log;
events {}
http {
	access_log $d/nginx-access.log;
$temp	include $d/site.conf;
}
EOF
	my $r = BenchTest::run_cmd(['/usr/sbin/nginx', '-t', '-q', '-c',
	    "$d/nginx.conf", '-p', "$d/"]);
	$self->{nginx_test} = $r;
	return 0 if $r->{exit} != 0;
	$self->{nginx} = BenchTest::_spawn(['/usr/sbin/nginx', '-c',
	    "$d/nginx.conf", '-p', "$d/"], out => "$d/nginx.out");
	return BenchTest::wait_for(sub {
		IO::Socket::INET->new(PeerAddr => '127.0.0.1',
		    PeerPort => $self->{https_port}, Proto => 'tcp')
	}, 15);
}

sub stop_nginx {
	my ($self) = @_;
	my $pid = delete $self->{nginx} or return;
	BenchTest::_terminate($pid, 'TERM', 20);
}

# Runs the README's blocks, each line verbatim or its stand-in; one test
# per block.
sub run_readme {
	my ($self) = @_;
	for my $block (readme_blocks()) {
		my @verbatim;
		my $flush = sub {
			return unless @verbatim;
			my $r = $self->run_block(\@verbatim);
			Test::More::is($r->{exit}, 0, "README: $verbatim[0]" .
			    (@verbatim > 1 ? ' ...' : '')) or
			    Test::More::diag("$r->{stdout}$r->{stderr}");
			push @{ $self->{outputs} }, $r;
			@verbatim = ();
		};
		for my $line (@$block) {
			my $instead = $INSTEAD{$line} //
			    ($line =~ /^spawn-fcgi / ? 'defer' : undef);
			if (!defined $instead) {
				push @verbatim, $line;
				next;
			}
			$flush->();
			next if $instead eq 'skip';
			# The other way to start it: run after the first.
			if ($instead eq 'defer') {
				push @{ $self->{deferred} }, $line;
				next;
			}
			Test::More::ok($self->$instead($line),
			    "README: $line (done by the test: $instead)");
		}
		$flush->();
	}
}

# The lines put off by run_readme (spawn-fcgi), verbatim, now.
sub run_deferred {
	my ($self) = @_;
	my @lines = @{ delete $self->{deferred} || [] };
	Test::More::ok(@lines, 'the README has a spawn-fcgi line');
	for my $line (@lines) {
		my $r = $self->run_block([$line]);
		Test::More::is($r->{exit}, 0, "README: $line") or
		    Test::More::diag("$r->{stdout}$r->{stderr}");
	}
}

# Over HTTPS through nginx: health, an ingest, a read; plain HTTP redirects.
sub smoke {
	my ($self, $token) = @_;
	my $base = "https://localhost:$self->{https_port}";
	my @curl = ('curl', '-sS', '-k', '--max-time', '60', '-o', '-',
	    '-w', '\n%{http_code}');
	my $get = sub {
		my $r = BenchTest::run_cmd([@curl, @_]);
		my ($body, $code) = $r->{stdout} =~ /^(.*)\n(\d+)\z/s;
		return ($code // 0, $body // $r->{stderr});
	};
	my ($code, $body) = $get->("$base/api/health");
	Test::More::is($code, 200, 'HTTPS GET /api/health: 200') or
	    Test::More::diag($body);
	Test::More::like($body, qr/"status":"ok"/, '... status ok');
	($code, $body) = $get->('-H', "Authorization: Bearer $token", '-H',
	    'Content-Type: application/json', '--data-binary',
	    "\@$BenchTest::TOP/examples/envelope.json", "$base/api/ingest");
	Test::More::is($code, 200, 'HTTPS POST /api/ingest: 200') or
	    Test::More::diag($body);
	Test::More::like($body, qr/"inserted":\d+,"updated":\d+/,
	    '... with the counts');
	($code, $body) = $get->("$base/api/groups");
	Test::More::is($code, 200, 'HTTPS GET /api/groups: 200');
	Test::More::like($body, qr/"name":"Compression"/,
	    '... lists the sample\'s charts');
	my ($slug) = $body =~ /"slug":"((?:qm|ct|cs|rat|vsr)\.[^"]+)"/;
	($code, $body) = $get->("$base/api/chart/" . ($slug // 'none'));
	Test::More::is($code, 200, 'HTTPS GET /api/chart/SLUG: 200');
	($code) = $get->("http://127.0.0.1:$self->{http_port}/api/health");
	Test::More::is($code, 301, 'plain HTTP redirects to HTTPS');
}

# The whole of "Running it" against the installed files, then what must
# hold: the check as the service user, the units run as systemd would,
# HTTPS through nginx, the log and pid files; then the README's
# spawn-fcgi line, and a stop through the pid file.
sub exercise {
	my ($self) = @_;
	my @pw = getpwnam('benchingest');
	$self->check_units;
	$self->run_readme;
	my ($check) = grep { $_->{stdout} =~ /: ok$/m } @{ $self->{outputs} || [] };
	Test::More::ok($check, 'benchingest -t -u benchingest passed');
	Test::More::like($check->{stdout} // '',
	    qr/^benchingest: database login as uid=$pw[2]\(benchingest\) /m,
	    '... and says it logged in as benchingest (peer authentication)');
	Test::More::like($check->{stdout} // '',
	    qr/^benchingest: configuration and token files read as uid=$pw[2]\(benchingest\) /m,
	    '... and read the files as benchingest');

	my $token = BenchTest::slurp('/etc/benchingest/ingest.token') // '';
	chomp $token;
	my $master = $self->{service};
	my @sock = stat '/run/benchingest/benchingest.sock';
	Test::More::is(sprintf('%o', ($sock[2] // 0) & 07777), '660',
	    'the socket unit\'s socket is 0660');
	Test::More::is($sock[5], scalar getgrnam('www-data'), '... group www-data');
	$self->smoke($token);
	Test::More::is((stat "/proc/$master")[4], $pw[2],
	    'the service runs as benchingest (User=)');
	Test::More::is(BenchTest::slurp('/run/benchingest/benchingest.pid'),
	    "$master\n", 'it wrote its pid to /run/benchingest/benchingest.pid');
	Test::More::ok(BenchTest::wait_for(sub {
		(BenchTest::slurp('/var/log/benchingest/benchingest.log') // '') =~
		    m{POST /api/ingest status=200}
	}, 10), 'requests are logged to /var/log/benchingest/benchingest.log');
	Test::More::is($self->stop_units, 0, 'SIGTERM: the service stops, exit 0');
	Test::More::ok(!-e '/run/benchingest/benchingest.pid',
	    '... and removes its pid file');

	# The README's other way: spawn-fcgi, verbatim.
	unlink '/run/benchingest/benchingest.sock';
	$self->run_deferred;
	Test::More::ok(BenchTest::wait_for(sub {
		-s '/run/benchingest/benchingest.pid' }, 15),
	    'under spawn-fcgi the master writes its pid file');
	my ($pid) = (BenchTest::slurp('/run/benchingest/benchingest.pid') // '')
	    =~ /^(\d+)/;
	$self->smoke($token);
	Test::More::is((stat "/proc/$pid")[4], $pw[2],
	    'spawn-fcgi -u benchingest: runs as benchingest');
	Test::More::ok(kill('TERM', $pid),
	    'kill "$(cat /run/benchingest/benchingest.pid)"');
	Test::More::ok(BenchTest::wait_for(sub { !BenchTest::pid_alive($pid) },
	    30), '... stops it');
	$self->cleanup;
}

sub cleanup {
	my ($self) = @_;
	$self->stop_units;
	$self->stop_nginx;
	# The spawn-fcgi one, if a test died before stopping it.
	my ($pid) = (BenchTest::slurp('/run/benchingest/benchingest.pid') // '')
	    =~ /^(\d+)/;
	kill 'TERM', $pid if $pid && BenchTest::_comm($pid) eq 'benchingest';
}

sub DESTROY { local ($?, $@, $!); $_[0]->cleanup }

1;
