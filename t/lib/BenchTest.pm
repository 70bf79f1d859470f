package BenchTest;

# Integration-test harness: a real Postgres cluster, a fresh migrated
# database per test object, a real benchingest master with its workers and a
# real nginx in front of it, all torn down again even when a test dies.
# The interface is documented at the end of this file (perldoc).

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use DBI;
use Exporter qw(import);
use Fcntl qw(:flock);
use File::Basename qw(dirname);
use File::Path qw(make_path remove_tree);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG _exit setpgid);
use Scalar::Util qw(blessed weaken);
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Test::More ();
use Time::HiRes qw(sleep time);

our @EXPORT = qw(start_cluster);
our @EXPORT_OK = qw(envelope with_sha random_sha big_envelope_json free_port
    run_cmd wait_for pid_alive);

our $TOP = abs_path(dirname(__FILE__) . '/../..');
our $START_TIMEOUT = 15;	# seconds for benchingest + nginx to answer

my $OWNER = $$;			# forked children never clean up
my %LIVE;			# "$obj" => weak ref, for END
my @OWNED_CLUSTERS;		# clusters this process created
my $SHARED;			# the cluster shared by all objects
my $SEQ = 0;

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

# A test killed by a signal still runs END (and so cleans up).
for my $sig (qw(INT TERM HUP)) {
	$SIG{$sig} = sub {
		$SIG{$_} = 'IGNORE' for qw(INT TERM HUP);	# let END finish
		exit 128 + 1;
	} if !defined $SIG{$sig} ||
	    $SIG{$sig} eq '' || $SIG{$sig} eq 'DEFAULT';
}

sub _bail {
	my ($msg) = @_;
	Test::More::BAIL_OUT($msg);
	exit 255;
}

sub pgbin {
	return $ENV{BENCHINGEST_TEST_PGBIN} if $ENV{BENCHINGEST_TEST_PGBIN};
	my @v = sort { $a <=> $b } map { m{/(\d+)/bin$} ? $1 : () }
	    glob '/usr/lib/postgresql/*/bin';
	return @v ? "/usr/lib/postgresql/$v[-1]/bin" :
	    '/usr/lib/postgresql/15/bin';
}

sub bin { $ENV{BENCHINGEST_BIN} || "$TOP/src/benchingest" }

# Where the migrations and the nginx snippet come from.
sub migrate_script {
	$ENV{BENCHINGEST_TEST_MIGRATE} || "$TOP/script/benchingest-migrate.in"
}
sub sql_dir { $ENV{BENCHINGEST_TEST_SQLDIR} || "$TOP/sql" }
sub nginx_snippet {
	$ENV{BENCHINGEST_TEST_NGINX_SNIPPET} || "$TOP/nginx/benchingest.conf"
}
sub nginx_cache_conf {
	(dirname(nginx_snippet())) . '/benchingest-cache.conf'
}
# The site's nginx file (made by make) and the site directory it is
# pointed at.
sub nginx_site_conf {
	(dirname(nginx_snippet())) . '/benchingest-site.conf'
}
sub site_dir { $ENV{BENCHINGEST_TEST_SITEDIR} || "$TOP/site" }

# ---------------------------------------------------------------- helpers

# HTTP::Tiny writes a request's head and its body in two writes: with
# Nagle's algorithm on, the body waits for nginx's delayed ACK, 40 ms per
# POST.  Every connection of the harness (and of the tests and bench
# scripts that use HTTP::Tiny beside it) sends at once.
{
	no warnings 'redefine';
	my $connect = \&HTTP::Tiny::Handle::connect;
	*HTTP::Tiny::Handle::connect = sub {
		my $handle = $connect->(@_);
		setsockopt($handle->{fh}, IPPROTO_TCP, TCP_NODELAY, 1);
		return $handle;
	};
}

# nginx's temp_path lines for an http { } block, all under $dir
# (its subdirectories must exist and be writable by nginx's workers).
our @NGINX_TEMP = qw(client_body fastcgi proxy uwsgi scgi);
sub nginx_temp_conf {
	my ($dir) = @_;
	return join '', map { "    ${_}_temp_path $dir/$_;\n" } @NGINX_TEMP;
}

# The shipped read-cache file, with a cache directory of the caller's own.
sub write_nginx_cache_conf {
	my ($path, $cache_dir) = @_;
	my $cache = slurp(nginx_cache_conf()) //
	    croak(nginx_cache_conf() . ' is missing');
	$cache =~ s{^(\s*fastcgi_cache_path\s+)\S+}{$1$cache_dir}m or
	    croak('no cache path in ' . nginx_cache_conf());
	return spew($path, $cache);
}

# The shipped site file, serving the site from site_dir().
sub write_nginx_site_conf {
	my ($path) = @_;
	my $site = slurp(nginx_site_conf()) //
	    croak(nginx_site_conf() . ' is missing');
	my $dir = site_dir();
	$site =~ s{^(\s*alias\s+)\S*/static/;}{$1$dir/static/;}m or
	    croak('no alias of the static files in ' . nginx_site_conf());
	return spew($path, $site);
}

sub slurp {
	my ($path) = @_;
	open my $fh, '<:raw', $path or return undef;
	local $/;
	my $s = <$fh>;
	return $s // '';
}

sub spew {
	my ($path, $content, $mode) = @_;
	open my $fh, '>:raw', $path or croak "write $path: $!";
	print $fh $content;
	close $fh or croak "close $path: $!";
	chmod $mode, $path if defined $mode;
	return $path;
}

# Polls $code until it returns true (returned) or $timeout seconds pass
# (undef).  The timeout is only an upper bound for waiting.
sub wait_for {
	shift if @_ && ref $_[0] ne 'CODE';
	my ($code, $timeout) = @_;
	$timeout //= 30;
	my $deadline = time + $timeout;
	my $delay = 0.02;
	for (;;) {
		my $v = $code->();
		return $v if $v;
		return undef if time > $deadline;
		sleep $delay;
		$delay *= 1.5 if $delay < 0.2;
	}
}

# A TCP port on 127.0.0.1 that was free a moment ago.
sub free_port {
	my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
	    Proto => 'tcp', Listen => 1, ReuseAddr => 1) or croak "socket: $!";
	my $port = $s->sockport;
	close $s;
	return $port;
}

sub _proc_stat {
	my ($pid) = @_;
	my $s = slurp("/proc/$pid/stat") // return undef;
	$s =~ /\)\s+(\S)\s+(\d+)/ or return undef;
	return { state => $1, ppid => $2 };
}

# The process exists and is not a zombie.
sub pid_alive {
	my ($pid) = @_;
	return 0 unless $pid && $pid > 0;
	my $st = _proc_stat($pid) or return 0;
	return $st->{state} ne 'Z' && $st->{state} ne 'X';
}

sub _children_of {
	my ($ppid) = @_;
	my @pids;
	opendir my $dh, '/proc' or return ();
	for my $pid (grep { /^\d+$/ } readdir $dh) {
		my $st = _proc_stat($pid) or next;
		push @pids, $pid + 0 if $st->{ppid} == $ppid &&
		    $st->{state} ne 'Z' && $st->{state} ne 'X';
	}
	@pids = sort { $a <=> $b } @pids;
	return @pids;
}

# Pids of live processes whose command line (NULs as spaces)
# matches $re.
sub pids_matching {
	my ($re) = @_;
	my @pids;
	opendir my $dh, '/proc' or return ();
	for my $pid (grep { /^\d+$/ } readdir $dh) {
		next if $pid == $$;
		my $cmd = slurp("/proc/$pid/cmdline") // next;
		$cmd =~ tr/\0/ /;
		push @pids, $pid + 0 if $cmd =~ $re && pid_alive($pid);
	}
	@pids = sort { $a <=> $b } @pids;
	return @pids;
}

sub _random_hex {
	my ($bytes) = @_;
	open my $fh, '<:raw', '/dev/urandom' or croak "urandom: $!";
	my $buf;
	read $fh, $buf, $bytes;
	return unpack 'H*', $buf;
}

sub random_sha { _random_hex(20) }

# Forks and execs @$argv in its own process group.  %o: out (file, appended;
# stdout and stderr), stdin (file, default /dev/null), env (hash: undef value
# deletes), umask, chdir.
# In a child about to exec: no token leaks in from the test's environment;
# then the test's own variables (undef deletes one).
sub _child_env {
	my ($env) = @_;
	delete @ENV{qw(INGEST_BEARER_TOKEN BENCH_REVALIDATE_TOKEN)};
	for my $k (keys %{ $env || {} }) {
		if (defined $env->{$k}) { $ENV{$k} = $env->{$k} }
		else { delete $ENV{$k} }
	}
}

sub _spawn {
	my ($argv, %o) = @_;
	my $pid = fork;
	croak "fork: $!" unless defined $pid;
	if ($pid == 0) {
		setpgid(0, 0);
		chdir $o{chdir} if defined $o{chdir};
		open STDIN, '<', $o{stdin} // '/dev/null' or _exit(126);
		if (defined $o{out}) {
			open STDOUT, '>>', $o{out} or _exit(126);
			open STDERR, '>>&', \*STDOUT or _exit(126);
		}
		_child_env($o{env});
		umask $o{umask} if defined $o{umask};
		{ no warnings q(exec); exec { $argv->[0] } @$argv; }
		print STDERR "exec $argv->[0]: $!\n";
		_exit(127);
	}
	return $pid;
}

sub _status {
	my ($st) = @_;
	return $st >> 8 if ($st & 127) == 0;
	return 128 + ($st & 127);
}

# Waits up to $timeout seconds for our child $pid; its exit code (128+sig
# if killed) or undef if it is still running.
sub _reap {
	my ($pid, $timeout) = @_;
	my $deadline = time + ($timeout // 0);
	for (;;) {
		my $r = waitpid $pid, WNOHANG;
		return _status($?) if $r == $pid;
		return -1 if $r == -1;		# not our child (any more)
		return undef if time >= $deadline;
		sleep 0.02;
	}
}

# Stops our child $pid and its process group: $sig, then SIGKILL after
# $grace seconds.  Returns its exit code.
sub _terminate {
	my ($pid, $sig, $grace) = @_;
	kill $sig, $pid;
	my $rc = _reap($pid, $grace);
	if (!defined $rc) {
		kill 'KILL', -$pid;
		kill 'KILL', $pid;
		$rc = _reap($pid, 30);
	}
	kill 'KILL', -$pid;	# anything left in its group
	return $rc;
}

# Runs a command to completion.  %o: env, stdin (string), timeout
# (upper bound, default 60 s).  Returns {exit, stdout, stderr}.
sub run_cmd {
	shift if @_ && blessed $_[0];
	my ($argv, %o) = @_;
	my $dir = tempdir('benchtest-cmd.XXXXXX', TMPDIR => 1, CLEANUP => 0);
	my $in;
	if (defined $o{stdin}) {
		$in = spew("$dir/stdin", $o{stdin});
	}
	my $pid = fork;
	croak "fork: $!" unless defined $pid;
	if ($pid == 0) {
		setpgid(0, 0);
		open STDIN, '<', $in // '/dev/null' or _exit(126);
		open STDOUT, '>', "$dir/stdout" or _exit(126);
		open STDERR, '>', "$dir/stderr" or _exit(126);
		_child_env($o{env});
		{ no warnings q(exec); exec { $argv->[0] } @$argv; }
		print STDERR "exec $argv->[0]: $!\n";
		_exit(127);
	}
	my $rc = _reap($pid, $o{timeout} // 60);
	if (!defined $rc) {
		kill 'KILL', -$pid;
		$rc = _reap($pid, 30);
		$rc = 'timeout' unless defined $rc;
	}
	my %r = (exit => $rc, stdout => slurp("$dir/stdout") // '',
	    stderr => slurp("$dir/stderr") // '');
	remove_tree($dir);
	return \%r;
}

# ---------------------------------------------------------------- cluster

{
	package BenchTest::Cluster;

	sub host { $_[0]{host} }
	sub port { $_[0]{port} }

	# The postmaster runs as our grandchild (under runuser), so it is
	# reaped when it stops, whatever the host's init does.
	sub start {
		my ($self) = @_;
		return 1 if $self->{pid};
		my $pid = BenchTest::_spawn(['runuser', '-u', 'postgres', '--',
		    BenchTest::pgbin() . '/postgres', '-D', $self->{data},
		    '-k', $self->{dir}, '-p', $self->{port},
		    '-c', 'listen_addresses=', '-c', 'fsync=off',
		    '-c', 'max_connections=100'],
		    out => "$self->{dir}/postgres.log", chdir => '/');
		my $up = BenchTest::wait_for(sub {
			return 'exited' if defined BenchTest::_reap($pid);
			return 0 unless $self->running;
			my $dbh = eval { BenchTest::_connect($self, 'postgres') }
			    or return 0;
			$dbh->disconnect;
			return 'up';
		}, 120) // '';
		if ($up eq 'up') {
			$self->{pid} = $pid;
			return 1;
		}
		BenchTest::_terminate($pid, 'KILL', 10) if $up ne 'exited';
		return 0;
	}

	# $mode: fast (default) or immediate.
	sub stop {
		my ($self, $mode) = @_;
		my $pid = delete $self->{pid} or return 0;
		my ($pm) = split /\n/, BenchTest::slurp("$self->{data}/postmaster.pid")
		    // '';
		my $sig = ($mode // 'fast') eq 'immediate' ? 'QUIT' : 'INT';
		kill $sig, $pm if $pm && $pm =~ /^\d+$/;
		my $rc = BenchTest::_reap($pid, 60);
		$rc = BenchTest::_terminate($pid, 'KILL', 10) unless defined $rc;
		return 1;
	}

	sub running {
		my ($self) = @_;
		return -S "$self->{host}/.s.PGSQL.$self->{port}" ? 1 : 0;
	}

	sub destroy {
		my ($self) = @_;
		return if !$self->{owned} || $self->{destroyed}++;
		$self->stop('immediate');
		File::Path::remove_tree($self->{dir});
	}
}

# Creates, starts and returns a throwaway cluster (unix socket only) as an
# object with ->host and ->port.  It is stopped and removed in END.
sub start_cluster {
	my %opt = @_;
	my ($uid, $gid) = (getpwnam 'postgres')[2, 3];
	defined $uid or _bail('no postgres user: install postgresql');
	my $dir = tempdir('benchtest-pg.XXXXXX', TMPDIR => 1, CLEANUP => 0);
	chown $uid, $gid, $dir;
	chmod 0755, $dir;
	my $self = bless { dir => $dir, host => $dir, data => "$dir/data",
	    owned => 1 }, 'BenchTest::Cluster';
	push @OWNED_CLUSTERS, $self;
	my $r = run_cmd(['runuser', '-u', 'postgres', '--', pgbin() . '/initdb',
	    '-D', $self->{data}, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8',
	    '--locale=C', '--no-sync'], timeout => 300);
	_bail("initdb failed: $r->{stdout}$r->{stderr}") if $r->{exit} != 0;
	# The socket directory is private: any port number will do.
	$self->{port} = $opt{port} // 20000 + int rand 30000;
	return $self if $self->start;
	_bail('could not start a Postgres cluster: ' .
	    (slurp("$dir/postgres.log") // ''));
}

sub _shared_cluster {
	return $SHARED if $SHARED;
	if ($ENV{BENCHINGEST_TEST_PGHOST} && $ENV{BENCHINGEST_TEST_PGPORT}) {
		$SHARED = bless { host => $ENV{BENCHINGEST_TEST_PGHOST},
		    port => $ENV{BENCHINGEST_TEST_PGPORT}, owned => 0 },
		    'BenchTest::Cluster';
	} else {
		$SHARED = start_cluster();
	}
	return $SHARED;
}

sub _connect {
	my ($cluster, $db, $user) = @_;
	return DBI->connect("dbi:Pg:dbname=$db;host=$cluster->{host};" .
	    "port=$cluster->{port}", $user // 'postgres', '',
	    { AutoCommit => 1, RaiseError => 1, PrintError => 0,
	      AutoInactiveDestroy => 1 });
}

# ---------------------------------------------------------------- envelopes

my $SAMPLE;

# A deep copy of examples/envelope.json.  Overrides: a top-level member name
# replaces that member (undef deletes it); a dotted path such as
# 'commit.sha' or 'records.0.value_ns' sets (undef: deletes) one nested value.
sub envelope {
	shift if @_ % 2 && (blessed $_[0] || (defined $_[0] && $_[0] eq __PACKAGE__));
	my (%over) = @_;
	$SAMPLE //= slurp("$TOP/examples/envelope.json") //
	    croak "$TOP/examples/envelope.json: $!";
	my $env = $JSON->decode($SAMPLE);
	for my $key (sort keys %over) {
		my @path = split /\./, $key;
		my $last = pop @path;
		my $node = $env;
		for my $p (@path) {
			$node = ref $node eq 'ARRAY' ? $node->[$p] : $node->{$p};
			croak "envelope: no $key" unless ref $node;
		}
		if (ref $node eq 'ARRAY') {
			if (defined $over{$key}) { $node->[$last] = $over{$key} }
			else { splice @$node, $last, 1 }
		} elsif (defined $over{$key}) {
			$node->{$last} = $over{$key};
		} else {
			delete $node->{$last};
		}
	}
	return $env;
}

# Points an envelope (in place, also returned) at another commit sha:
# commit.sha and every record's commit_sha.
sub with_sha {
	my ($env, $sha) = @_;
	$env->{commit}{sha} = $sha;
	$_->{commit_sha} = $sha for @{ $env->{records} || [] };
	return $env;
}

# The JSON text of a valid envelope with $n query_measurement records
# (distinct keys: query_idx 0 .. $n-1), built without JSON::PP so that 50k
# records are quick.  The text ends with the records array and `]}`.
# %o: sha, timestamp, dataset (key prefix).
sub big_envelope_json {
	my ($n, %o) = @_;
	my $sha = $o{sha} // random_sha();
	my $ts = $o{timestamp} // '2026-06-18T11:59:00Z';
	my $ds = $o{dataset} // 'big';
	my $env = envelope();
	$env->{commit}{sha} = $sha;
	$env->{commit}{timestamp} = $ts;
	# Members in the contract's order, so the text ends with the records
	# array: `]}`.
	my $head = '{"run_meta":' . $JSON->encode($env->{run_meta}) .
	    ',"commit":' . $JSON->encode($env->{commit}) . ',"records":';
	my @recs;
	for my $i (0 .. $n - 1) {
		push @recs, sprintf '{"kind":"query_measurement","commit_sha":' .
		    '"%s","dataset":"%s","scale_factor":"1","query_idx":%d,' .
		    '"storage":"nvme","engine":"datafusion","format":"parquet",' .
		    '"value_ns":%d,"all_runtimes_ns":[%d,%d,%d]}',
		    $sha, $ds, $i, 1000 + $i, 1000 + $i, 1001 + $i, 999 + $i;
	}
	return $head . '[' . join(',', @recs) . ']}';
}

# ---------------------------------------------------------------- objects

sub new {
	my ($class, %opt) = @_;
	my $self = bless { opt => \%opt, owner => $$ }, $class;
	$LIVE{"$self"} = $self;
	weaken $LIVE{"$self"};

	$self->{cluster} = $opt{private_cluster} ? start_cluster() :
	    _shared_cluster();
	$self->{dir} = tempdir('benchtest.XXXXXX', TMPDIR => 1, CLEANUP => 0);
	chmod 0755, $self->{dir};
	make_path(map { "$self->{dir}/nginx-tmp/$_" } @NGINX_TEMP);
	$self->{dbname} = sprintf 'bt_%d_%d', $$, ++$SEQ;
	$self->_create_database;

	for my $which (qw(ingest revalidate)) {
		my $tok = exists $opt{"${which}_token"} ?
		    $opt{"${which}_token"} : _random_hex(16);
		$self->{"${which}_token"} = $tok;
		spew("$self->{dir}/$which.token", "$tok\n", 0600)
		    if defined $tok;
	}

	$self->{listen} = $opt{listen} // "$self->{dir}/bi.sock";
	$self->{listen} = "$self->{dir}/bi.sock"
	    if $opt{spawn_fcgi} || $opt{socket_activation};
	$self->{upstream} = $self->{listen} =~ m{/} ?
	    "unix:$self->{listen}" : $self->{listen};

	my @config = (
	    [database => $opt{database} // $self->ingest_conninfo],
	    [workers => $opt{workers} // 2],
	);
	# As root, benchingest refuses to start without a user for its workers.
	my $user = exists $opt{user} ? $opt{user} : ($> == 0 ? 'nobody' : undef);
	push @config, [user => $user] if defined $user;
	# As root, a socket of -s PATH must be reachable by the web server.
	push @config, [socket_group => 'www-data']
	    if $> == 0 && $self->{listen} =~ m{/} && !$opt{spawn_fcgi} &&
	    !$opt{socket_activation};
	push @config, [ingest_token_file => "$self->{dir}/ingest.token"]
	    if defined $self->{ingest_token};
	push @config, [revalidate_token_file => "$self->{dir}/revalidate.token"]
	    if defined $self->{revalidate_token};
	$self->{config} = \@config;
	$self->set_config(%{ $opt{config} || {} });

	if (!exists $opt{start} || $opt{start}) {
		$self->start;
	}
	return $self;
}

sub _create_database {
	my ($self) = @_;
	my $c = $self->{cluster};
	my $script = migrate_script();
	_bail("$script is missing") unless -f $script;
	# Roles are cluster-wide: one migration at a time.
	open my $lock, '>>', "$c->{host}/benchtest-migrate.lock" or
	    croak "lock: $!";
	flock $lock, LOCK_EX or croak "flock: $!";
	my $dbh = eval { _connect($c, 'postgres') } or
	    _bail("cannot connect to the test cluster: $@");
	$dbh->do(qq{CREATE DATABASE "$self->{dbname}"});
	$self->{db_created} = 1;
	my $r = run_cmd(['bash', $script, '-D', sql_dir(), '-d',
	    $self->superuser_conninfo], timeout => 300);
	_bail("migration failed (exit $r->{exit}): $r->{stdout}$r->{stderr}")
	    if $r->{exit} != 0;
	my ($login) = $dbh->selectrow_array(q{SELECT rolcanlogin FROM pg_roles
	    WHERE rolname = 'bench_ingest'});
	_bail('migration did not create role bench_ingest')
	    unless defined $login;
	# The deployed role may be NOLOGIN until an operator enables it.
	$dbh->do('ALTER ROLE bench_ingest LOGIN') unless $login;
	$dbh->disconnect;
	flock $lock, LOCK_UN;
	close $lock;
}

# ---- accessors

sub dir { $_[0]{dir} }
sub config_file { "$_[0]{dir}/benchingest.conf" }
sub log_file { "$_[0]{dir}/benchingest.log" }
sub log { slurp($_[0]->log_file) // '' }
sub ingest_token { $_[0]{ingest_token} }
sub revalidate_token { $_[0]{revalidate_token} }
sub dbname { $_[0]{dbname} }
sub cluster { $_[0]{cluster} }
sub socket_path { $_[0]{listen} }		# the -s address
sub nginx_port { $_[0]{nginx_port} }
sub nginx_pid { $_[0]{nginx} }
sub master_pid { $_[0]{master} }
sub ingest_token_file { "$_[0]{dir}/ingest.token" }
sub revalidate_token_file { "$_[0]{dir}/revalidate.token" }

sub base_url {
	my ($self) = @_;
	croak 'nginx is not running' unless $self->{nginx_port};
	return "http://127.0.0.1:$self->{nginx_port}";
}

sub superuser_conninfo {
	my ($self) = @_;
	my $c = $self->{cluster};
	return "host=$c->{host} port=$c->{port} dbname=$self->{dbname} " .
	    'user=postgres';
}

sub ingest_conninfo {
	my ($self) = @_;
	my $c = $self->{cluster};
	return "host=$c->{host} port=$c->{port} dbname=$self->{dbname} " .
	    'user=bench_ingest';
}

# The log from byte offset $mark (from log_mark) on.
sub log_mark { -s $_[0]->log_file // 0 }
sub log_since {
	my ($self, $mark) = @_;
	my $log = $self->log;
	return length $log > ($mark // 0) ? substr($log, $mark // 0) : '';
}

# ---- config

# Changes config lines (undef removes one) and rewrites the file;
# the running master sees it after SIGHUP.
sub set_config {
	my ($self, %kv) = @_;
	for my $key (sort keys %kv) {
		my ($line) = grep { $_->[0] eq $key } @{ $self->{config} };
		if (!defined $kv{$key}) {
			$self->{config} = [grep { $_->[0] ne $key }
			    @{ $self->{config} }];
		} elsif ($line) {
			$line->[1] = $kv{$key};
		} else {
			push @{ $self->{config} }, [$key => $kv{$key}];
		}
	}
	spew($self->config_file, $self->config_text);
}

sub config_text {
	my ($self) = @_;
	return "# written by t/lib/BenchTest.pm\n" .
	    join('', map { "$_->[0] = $_->[1]\n" } @{ $self->{config} });
}

sub config_value {
	my ($self, $key) = @_;
	my ($line) = grep { $_->[0] eq $key } @{ $self->{config} };
	return $line ? $line->[1] : undef;
}

# ---- processes

sub _nginx_conf {
	my ($self) = @_;
	my $d = $self->{dir};
	my $snippet = nginx_snippet();
	# Option upstreams: more backends (addresses as in a server line).
	my $extra = join '', map { "        server $_;\n" }
	    @{ $self->{opt}{upstreams} || [] };
	# Options nginx_http, nginx_server: more lines for those blocks.
	my ($http, $server) = map { $self->{opt}{$_} // '' }
	    qw(nginx_http nginx_server);
	my $user = $self->{opt}{nginx_user} // 'root';
	my $temp = nginx_temp_conf("$d/nginx-tmp");
	return <<"EOF";
daemon off;
master_process on;
user $user;
worker_processes 2;
pid $d/nginx.pid;
error_log $d/nginx-error.log warn;
events { worker_connections 512; }
http {
    access_log $d/nginx-access.log;
$temp    include $d/nginx-cache.conf;
$http    upstream benchingest {
        server $self->{upstream};
$extra    }
    server {
        listen 127.0.0.1:$self->{nginx_port};
$server        include $snippet;
        include $d/nginx-site.conf;
    }
}
EOF
}

# Starts nginx on a free port (start() does this).
sub start_nginx {
	my ($self) = @_;
	return if $self->{nginx};
	my $d = $self->{dir};
	_bail(nginx_snippet() . ' is missing') unless -f nginx_snippet();
	# A snippet may include fastcgi_params relative to the conf dir.
	for my $f (qw(fastcgi_params fastcgi.conf mime.types)) {
		spew("$d/$f", slurp("/etc/nginx/$f") // '') if -f "/etc/nginx/$f";
	}
	eval { write_nginx_cache_conf("$d/nginx-cache.conf", "$d/nginx-cache") }
	    or _bail($@);
	eval { write_nginx_site_conf("$d/nginx-site.conf") } or _bail($@);
	if (my $user = $self->{opt}{nginx_user}) {
		my ($uid, $gid) = (getpwnam $user)[2, 3];
		chown $uid, $gid, "$d/nginx-tmp", glob("$d/nginx-tmp/*");
	}
	for my $try (1 .. 8) {
		$self->{nginx_port} = free_port();
		spew("$d/nginx.conf", $self->_nginx_conf);
		my $mark = -s "$d/nginx-error.log" // 0;
		my $pid = _spawn(['/usr/sbin/nginx', '-e', "$d/nginx-error.log",
		    '-p', "$d/", '-c', "$d/nginx.conf"], out => "$d/nginx.out");
		my $up = wait_for(sub {
			return 'exited' if defined _reap($pid);
			my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
			    PeerPort => $self->{nginx_port}, Proto => 'tcp');
			return $s ? 'up' : 0;
		}, $START_TIMEOUT);
		if (($up // '') eq 'up') {
			$self->{nginx} = $pid;
			return;
		}
		_terminate($pid, 'KILL', 5) if !defined $up;
		my $err = substr(slurp("$d/nginx-error.log") // '', $mark) .
		    (slurp("$d/nginx.out") // '');
		next if $err =~ /Address already in use/;
		_bail("nginx did not start: $err");
	}
	_bail('nginx: no free port');
}

sub stop_nginx {
	my ($self) = @_;
	my $pid = delete $self->{nginx} or return;
	return _terminate($pid, 'TERM', 20);
}

# The command line that starts the master.
sub _master_argv {
	my ($self) = @_;
	my @bi = (@{ $self->{opt}{wrap} || [] }, bin(), '-f',
	    $self->config_file);
	return ('/usr/bin/spawn-fcgi', '-n', '-s', $self->{listen}, '-M',
	    '0666', '--', @bi) if $self->{opt}{spawn_fcgi};
	if (my $sa = $self->{opt}{socket_activation}) {
		$sa = {} unless ref $sa;
		return ("$TOP/t/lib/socket-activate",
		    (map { ("--$_", $sa->{$_}) } sort keys %$sa),
		    $self->{listen}, '--', @bi);
	}
	return (@bi, '-s', $self->{listen});
}

# Starts nginx (unless nginx => 0) and the benchingest master, and waits until
# health answers through nginx.  On failure it bails out, or with
# (no_bail => 1) stops what it started and returns false ($t->{start_error}
# says why).
sub start {
	my ($self, %o) = @_;
	croak 'benchingest is already running' if $self->{master};
	_bail(bin() . ' is not built') unless -x bin();
	my $want_nginx = !exists $self->{opt}{nginx} || $self->{opt}{nginx};
	$self->start_nginx if $want_nginx;
	unlink $self->{listen}
	    if $self->{opt}{spawn_fcgi} || $self->{opt}{socket_activation};
	my $mark = $self->log_mark;
	my $pid = _spawn([$self->_master_argv], out => $self->log_file,
	    umask => 0, env => $self->{opt}{env});
	$self->{master} = $pid;
	my $why;
	my $ok = wait_for(sub {
		if (defined(my $rc = _reap($pid))) {
			delete $self->{master};
			$why = "benchingest exited with $rc";
			return 1;
		}
		return 0 if $self->{listen} =~ m{/} && !-S $self->{listen};
		return 0 unless $self->worker_pids;
		return 1 unless $want_nginx;
		my $r = $self->health;
		return ($r->{headers}{'content-type'} // '') =~ /json/ ? 1 : 0;
	}, $START_TIMEOUT);
	$why //= "benchingest did not answer /api/health within " .
	    "$START_TIMEOUT s" unless $ok;
	return $self unless defined $why;
	my $log = $self->log_since($mark);
	my @tail = grep { defined } (split /\n/, $log)[-20 .. -1];
	$self->{start_error} = join "\n", $why, @tail;
	if ($o{no_bail}) {
		$self->stop(20) if $self->{master};
		return 0;
	}
	_bail("$why; log:\n" . join("\n", @tail));
}

# SIGTERM to the master, wait for it to exit; returns its exit code
# (128 + signal if killed).
sub stop {
	my ($self, $timeout) = @_;
	my $pid = delete $self->{master} or return undef;
	return _terminate($pid, 'TERM', $timeout // 60);
}

# Waits (up to $timeout s) for the master to exit on its own;
# returns its exit code, or undef if it is still running.
sub wait_master_exit {
	my ($self, $timeout) = @_;
	my $pid = $self->{master} or return undef;
	my $rc = _reap($pid, $timeout // 60);
	delete $self->{master} if defined $rc;
	return $rc;
}

sub signal {
	my ($self, $sig) = @_;
	croak 'benchingest is not running' unless $self->{master};
	return kill $sig, $self->{master};
}

sub _comm { my $c = slurp("/proc/$_[0]/comm") // ''; chomp $c; $c }

# The master's children but the read-cache listener.
sub worker_pids {
	my ($self) = @_;
	return () unless $self->{master};
	return grep { _comm($_) ne 'bi-listener' } _children_of($self->{master});
}

# The read-cache listener child, or undef.
sub listener_pid {
	my ($self) = @_;
	return undef unless $self->{master};
	my ($pid) = grep { _comm($_) eq 'bi-listener' }
	    _children_of($self->{master});
	return $pid;
}

# Waits until the master has exactly $n workers; returns their pids
# (empty list on timeout).
sub wait_workers {
	my ($self, $n, $timeout) = @_;
	my @pids;
	wait_for(sub { @pids = $self->worker_pids; @pids == $n }, $timeout // 30)
	    or return ();
	return @pids;
}

# Starts another process that the object will stop in cleanup.
sub spawn {
	my ($self, $argv, %o) = @_;
	my $pid = _spawn($argv, out => $o{out} // "$self->{dir}/spawn.log",
	    %o);
	push @{ $self->{spawned} }, $pid;
	return $pid;
}

# Stops a process started with spawn(); returns its exit code.
sub kill_spawned {
	my ($self, $pid, $sig) = @_;
	$self->{spawned} = [grep { $_ != $pid } @{ $self->{spawned} || [] }];
	return _terminate($pid, $sig // 'TERM', 30);
}

# Runs benchingest to completion with @args, e.g. ('-t', '-f', F).
sub run_benchingest {
	my ($self, @args) = @_;
	my %o;
	%o = %{ pop @args } if @args && ref $args[-1] eq 'HASH';
	return run_cmd([bin(), @args], env => $o{env} // $self->{opt}{env},
	    %o);
}

# ---- private cluster (only with private_cluster => 1)

sub cluster_stop {
	my ($self, $mode) = @_;
	croak 'not a private cluster' unless $self->{opt}{private_cluster};
	$self->{dbh}->disconnect if $self->{dbh};
	delete $self->{dbh};
	return $self->{cluster}->stop($mode);
}

sub cluster_start {
	my ($self) = @_;
	croak 'not a private cluster' unless $self->{opt}{private_cluster};
	return $self->{cluster}->start;
}

# ---- HTTP

sub request {
	my ($self, $method, $path, $headers, $body) = @_;
	my $http = HTTP::Tiny->new(timeout => 120, keep_alive => 0,
	    max_redirect => 0);
	my %args = (headers => { %{ $headers || {} } });
	$args{content} = $body if defined $body;
	my $r = $http->request($method, $self->base_url . $path, \%args);
	my %res = (status => $r->{status}, headers => $r->{headers} || {},
	    content => $r->{content} // '', json => undef,
	    reason => $r->{reason});
	if (($res{headers}{'content-type'} // '') =~ m{^application/json}i) {
		$res{json} = eval { $JSON->decode($res{content}) };
	}
	return \%res;
}

# POST /api/ingest.  %o: token => T (undef: no header),
# authorization => raw header value, content_type => ..., headers => {...}.
sub ingest {
	my ($self, $env, %o) = @_;
	my $body = ref $env ? $JSON->encode($env) : $env;
	my %h = ('Content-Type' => $o{content_type} // 'application/json',
	    %{ $o{headers} || {} });
	my $tok = exists $o{token} ? $o{token} : $self->{ingest_token};
	if (exists $o{authorization}) {
		$h{Authorization} = $o{authorization}
		    if defined $o{authorization};
	} elsif (defined $tok) {
		$h{Authorization} = "Bearer $tok";
	}
	return $self->request('POST', '/api/ingest', \%h, $body);
}

# POST /api/revalidate.  %o: token => T (undef: no header), authorization =>
# raw header value.
sub revalidate {
	my ($self, %o) = @_;
	my %h;
	my $tok = exists $o{token} ? $o{token} : $self->{revalidate_token};
	if (exists $o{authorization}) {
		$h{Authorization} = $o{authorization}
		    if defined $o{authorization};
	} elsif (defined $tok) {
		$h{Authorization} = "Bearer $tok";
	}
	return $self->request('POST', '/api/revalidate', \%h, '');
}

sub health { $_[0]->request('GET', '/api/health') }

# Waits (up to $timeout s) until a GET of $path is answered from
# nginx's cache, that is without a line in benchingest's log; true if so.
# After a commit the listener changes the cache generation again when the
# commit's NOTIFY reaches it, which may be a moment after the writer did:
# a test that counts cache hits waits for that first.
sub wait_cached {
	my ($self, $path, $timeout, $headers) = @_;
	my $logged = substr($path =~ s/\?.*//r, 0, 100);
	return wait_for(sub {
		my $mark = $self->log_mark;
		$self->request('GET', $path, $headers);
		return $self->log_since($mark) !~ /GET \Q$logged\E/;
	}, $timeout // 10);
}

# ---- database

sub dbh {
	my ($self) = @_;
	return $self->{dbh} if $self->{dbh} && $self->{dbh}->ping;
	return $self->{dbh} = _connect($self->{cluster}, $self->{dbname});
}

# A new superuser connection of the caller's own (e.g. for LISTEN or
# holding locks).
sub new_dbh {
	my ($self, $user) = @_;
	return _connect($self->{cluster}, $self->{dbname}, $user);
}

# The tables the migrations made: commits and one per record kind, each
# keyed by measurement_id (as sql/003_roles.sql finds them).
sub tables {
	my ($self) = @_;
	return ('commits', map { $_->[0] } @{ $self->dbh->selectall_arrayref(q{
	    SELECT table_name FROM information_schema.columns
	    WHERE table_schema = 'public' AND column_name = 'measurement_id'
	    ORDER BY table_name}) });
}

sub row_counts {
	my ($self) = @_;
	my $dbh = $self->dbh;
	return { map { $_ => 0 + $dbh->selectrow_array("SELECT count(*) FROM $_")
	    } $self->tables };
}

# Fills the (empty) database with a generated history of $commits
# commits (default 2000): 528 query_measurements rows per commit (TPC-H at
# SF 1 and 10, on NVMe and S3, 22 queries, 6 engine:format series: four
# query groups of 22 charts), a few rows of every other kind, analysed and
# checkpointed.  For the benchmarks in bench/.
sub fill_history {
	my ($self, $commits) = @_;
	$commits //= 2000;
	my $dbh = $self->dbh;
	local $dbh->{PrintWarn} = 0;
	# Row numbers make the ids: a benchmark needs unique keys, not the hash.
	$dbh->do(q{INSERT INTO commits (commit_sha, timestamp, message, author_name,
	    author_email, committer_name, committer_email, tree_sha, url)
	    SELECT md5('c' || i) || lpad(to_hex(i), 8, '0'),
		timestamptz '2020-01-01 00:00:00+00' + i * interval '1 hour',
		'Commit ' || i || E'\n\nbody', 'a', 'a@example.com', 'c',
		'c@example.com', md5('t' || i) || '00000000',
		'https://example.com/commit/' || i
	    FROM generate_series(1, ?::int) i}, undef, $commits);
	$dbh->do(q{INSERT INTO query_measurements (measurement_id, commit_sha,
	    dataset, dataset_variant, scale_factor, query_idx, storage, engine,
	    format, value_ns, all_runtimes_ns, commit_timestamp)
	    SELECT row_number() OVER (), c.commit_sha, 'tpch', NULL, sf, q, st, e, f,
		v, ARRAY[v, v + 1, v - 1], c.timestamp
	    FROM commits c,
		unnest(ARRAY['1', '10']) sf, unnest(ARRAY['nvme', 's3']) st,
		generate_series(1, 22) q,
		unnest(ARRAY['datafusion', 'duckdb']) e,
		unnest(ARRAY['parquet', 'vortex-file-compressed', 'lance']) f,
		LATERAL (SELECT (1000000 + (hashtext(c.commit_sha || q || e || f)
		    & 65535))::bigint AS v) x});
	$dbh->do(q{INSERT INTO compression_times (measurement_id, commit_sha, dataset,
	    dataset_variant, format, op, value_ns, all_runtimes_ns)
	    SELECT row_number() OVER (), commit_sha, d, NULL, f, o, 5000, '{5000}'
	    FROM commits, unnest(ARRAY['taxi', 'tpch']) d,
		unnest(ARRAY['parquet', 'vortex']) f, unnest(ARRAY['encode', 'decode']) o
	    WHERE timestamp > timestamptz '2020-03-01 00:00:00+00'});
	$dbh->do(q{INSERT INTO compression_sizes (measurement_id, commit_sha, dataset,
	    format, value_bytes)
	    SELECT row_number() OVER (), commit_sha, d, f, 1234 FROM commits,
		unnest(ARRAY['taxi', 'tpch']) d, unnest(ARRAY['parquet', 'vortex']) f});
	$dbh->do(q{INSERT INTO random_access_times (measurement_id, commit_sha, dataset,
	    format, value_ns, all_runtimes_ns)
	    SELECT row_number() OVER (), commit_sha, d, f, 850, '{850}' FROM commits,
		unnest(ARRAY['taxi', 'feature-vectors']) d,
		unnest(ARRAY['parquet', 'vortex']) f});
	$dbh->do(q{INSERT INTO vector_search_runs (measurement_id, commit_sha, dataset,
	    layout, flavor, threshold, value_ns, all_runtimes_ns, matches,
	    rows_scanned, bytes_scanned, iterations)
	    SELECT row_number() OVER (), commit_sha, 'cohere', l, fl, th, 42, '{42}',
		1, 2, 3, 1 FROM commits, unnest(ARRAY['flat', 'partitioned']) l,
		unnest(ARRAY['vortex', 'parquet']) fl, unnest(ARRAY[0.8, 0.83, 0.9]) th});
	$dbh->do("VACUUM ANALYZE $_") for $self->tables;
	# A database at rest has its pages written back: reads should not pay for
	# evicting the generator's dirty buffers.
	$dbh->do('CHECKPOINT');
}

# ---- cleanup

sub cleanup {
	my ($self) = @_;
	return if $self->{cleaned} || $$ != $self->{owner};
	$self->{cleaned} = 1;
	if (!Test::More->builder->is_passing && -f $self->log_file) {
		my @tail = (split /\n/, $self->log)[-15 .. -1];
		Test::More::diag("benchingest log tail ($self->{dir}):\n" .
		    join("\n", grep { defined } @tail));
	}
	$self->stop(20) if $self->{master};
	_terminate($_, 'TERM', 20) for @{ delete $self->{spawned} || [] };
	$self->stop_nginx;
	if ($self->{dbh}) {
		eval { $self->{dbh}->disconnect };
		delete $self->{dbh};
	}
	if ($self->{opt}{private_cluster}) {
		$self->{cluster}->destroy;
	} elsif ($self->{db_created}) {
		eval {
			my $dbh = _connect($self->{cluster}, 'postgres');
			$dbh->do(qq{DROP DATABASE IF EXISTS "$self->{dbname}" } .
			    'WITH (FORCE)');
			$dbh->disconnect;
		};
	}
	remove_tree($self->{dir}) unless $ENV{BENCHINGEST_TEST_KEEP};
}

sub DESTROY {
	my ($self) = @_;
	local ($?, $@, $!);
	$self->cleanup;
	delete $LIVE{"$self"};
}

END {
	my $status = $?;
	if ($$ == $OWNER) {
		for my $t (grep { defined } values %LIVE) {
			eval { $t->cleanup };
		}
		for my $c (@OWNED_CLUSTERS) {
			eval { $c->destroy };
		}
	}
	$? = $status;
}

1;

__END__

=head1 NAME

BenchTest - integration-test harness for benchingest

=head1 SYNOPSIS

    use strict; use warnings; use FindBin; use lib "$FindBin::Bin/lib";
    use Test::More; use BenchTest;

    my $t = BenchTest->new(workers => 3, config => { log_level => 'debug' });
    my $r = $t->ingest(BenchTest::envelope());
    is($r->{status}, 200);
    is_deeply($t->row_counts->{commits}, 1);

=head1 CLUSTER

With C<BENCHINGEST_TEST_PGHOST> and C<BENCHINGEST_TEST_PGPORT> set (as
script/test does) every object uses that cluster as superuser C<postgres>.
Otherwise the first object starts a throwaway cluster (C<start_cluster()>,
exported), stopped in END.  C<private_cluster =E<gt> 1> gives an object a
cluster of its own, which C<cluster_stop> and C<cluster_start> control.

=head1 CONSTRUCTOR

C<< BenchTest->new(%opt) >> creates database C<bt_PID_N>, migrates it with
script/benchingest-migrate.in, writes DIR/benchingest.conf and the token
files, and starts nginx and C<benchingest -f CONF -s DIR/bi.sock>, waiting
until /api/health answers through nginx (15 s, then BAIL_OUT).  Options:

=over

=item workers => N (default 2)

=item config => { key => value } - extra or overriding lines; undef removes one

=item ingest_token => T, revalidate_token => T - default random; undef: none

=item env => { NAME => value } - environment of benchingest (undef deletes)

=item database => CONNINFO - replaces the database line

=item nginx => 0 - no nginx; start => 0 - only prepare files

=item private_cluster => 1 - a cluster for this object alone

=item listen => 'HOST:PORT' - C<-s HOST:PORT>; nginx upstream follows

=item spawn_fcgi => 1 - run under C<spawn-fcgi -n -s DIR/bi.sock -M 0666>

=item nginx_http => TEXT, nginx_server => TEXT - more lines in nginx's
C<http> block and in its C<server> block, before the snippet

=item wrap => [ARGV] - commands that exec benchingest, put before it
on the command line, e.g. C<['prlimit', '--nproc=3']>; each must exec the
next in the same process, so the master's pid stays the one started

=item socket_activation => 1 or { 'socket-user' => U, 'socket-group' => G,
'socket-mode' => M, user => U, group => G } - get DIR/bi.sock the
way systemd passes a socket (LISTEN_FDS), through F<t/lib/socket-activate>

=item nginx_user => U - nginx's workers run as U (default root)

=back

=head1 METHODS

Accessors: C<base_url dir config_file log_file log ingest_token
revalidate_token master_pid superuser_conninfo ingest_conninfo
dbname cluster socket_path nginx_port nginx_pid ingest_token_file
revalidate_token_file config_text config_value($key)>.

Requests: C<request($method, $path, \%headers, $body)> returns
C<{status, headers (lower-case keys), content, json}> (a redirect is
returned, not followed);
C<ingest($envelope_or_string, %o)> with C<token>, C<authorization> (raw
header), C<content_type>, C<headers>; C<revalidate(%o)> with C<token> or
C<authorization>; C<health>; C<wait_cached($path, $timeout, \%headers)> (until a GET
of $path is answered from nginx's cache; headers such as Accept-Encoding
choose the variant).

Database: C<dbh> (superuser, AutoCommit), C<new_dbh> (a separate connection),
C<tables> (commits and a table per record kind), C<row_counts>,
C<fill_history($commits)> (a generated
history for benchmarks).

Processes: C<worker_pids> (the master's children but the read-cache
listener), C<listener_pid>, C<wait_workers($n)>, C<signal($sig)>, C<stop>
(exit code, 128+N if killed by signal N), C<start(no_bail =E<gt> 1)>,
C<wait_master_exit($timeout)>, C<stop_nginx>, C<start_nginx>,
C<set_config(key =E<gt> value)> (rewrites the file; send HUP yourself),
C<log_mark> and C<log_since($mark)>, C<run_benchingest(@args, {env =E<gt> ...})>,
C<spawn(\@argv)>.

Functions: C<envelope(%overrides)> (top-level members, or dotted paths such
as C<'commit.sha'> / C<'records.0.value_ns'>; undef deletes),
C<with_sha($env, $sha)>, C<random_sha()>, C<big_envelope_json($n, sha =E<gt>,
timestamp =E<gt>, dataset =E<gt>)>, C<wait_for(sub, $timeout)>,
C<free_port()>, C<run_cmd(\@argv, env =E<gt>, stdin =E<gt>, timeout =E<gt>)>,
C<pid_alive($pid)>, C<pids_matching(qr//)>, C<slurp>, C<spew>, C<bin>,
C<write_nginx_cache_conf($path, $cache_dir)>, C<nginx_temp_conf($dir)>,
C<write_nginx_site_conf($path)>, C<site_dir>.

nginx serves the snippet and, in the same server block, the site's file
(F<benchingest-site.conf> beside the snippet) with its static files taken
from C<site_dir>.

Environment: C<BENCHINGEST_BIN> (binary), C<BENCHINGEST_TEST_KEEP=1> (keep
temp dirs), C<BENCHINGEST_TEST_MIGRATE>, C<BENCHINGEST_TEST_SQLDIR>,
C<BENCHINGEST_TEST_NGINX_SNIPPET> (its directory also holds
F<benchingest-cache.conf>, included with a cache directory of the
object's own, and the site's file), C<BENCHINGEST_TEST_SITEDIR> (the
site's directory, default F<site> of the tree), C<BENCHINGEST_TEST_PGBIN>.

Everything started is stopped in DESTROY and END, also when a test dies or
gets SIGINT/SIGTERM; a forked child never cleans up its parent's objects
(leave it with POSIX::_exit).

=cut
