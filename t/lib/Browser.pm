package Browser;

# A real headless Chromium for the site's tests and bench/site, driven
# through the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
# messages ending in NUL, commands on the browser's fd 3, answers and
# events on its fd 4), so no driver, no port and no WebSocket.  It keeps
# what the page did wrong (console errors, uncaught exceptions, failed
# requests and answers of 400 or more) and what it fetched.  The
# interface is documented at the end of this file (perldoc).

use strict;
use warnings;

use Carp qw(croak);
use File::Path qw(make_path remove_tree);
use File::Temp qw(tempdir);
use IO::Select;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use POSIX qw(WNOHANG _exit setpgid);
use Time::HiRes qw(time sleep);

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;

# The flags every run needs on a closed network, as root, with no GPU.
our @FLAGS = qw(--headless --no-sandbox --disable-gpu --disable-quic
    --no-first-run --disable-background-networking --disable-component-update
    --disable-sync --disable-default-apps --disable-extensions
    --disable-dev-shm-usage --mute-audio --hide-scrollbars
    --force-device-scale-factor=1 --remote-debugging-pipe);

sub binary {
	return $ENV{BENCHINGEST_TEST_CHROMIUM} if $ENV{BENCHINGEST_TEST_CHROMIUM};
	return -x '/usr/lib/chromium/chromium' ? '/usr/lib/chromium/chromium' :
	    'chromium';
}

sub available { -x '/usr/lib/chromium/chromium' || !system('which chromium >/dev/null 2>&1') }

# %o: width, height (the window, 1280x900), timeout (s for one command, 30).
sub new {
	my ($class, %o) = @_;
	my $self = bless { id => 0, queue => [], buf => '', owner => $$,
	    timeout => $o{timeout} // 30, problems => [], requests => {},
	    order => [] }, $class;
	$self->{profile} = tempdir('browser.XXXXXX', TMPDIR => 1, CLEANUP => 0);
	pipe(my $cmd_r, my $cmd_w) or croak "pipe: $!";
	pipe(my $res_r, my $res_w) or croak "pipe: $!";
	my @argv = (binary(), @FLAGS, "--user-data-dir=$self->{profile}",
	    sprintf('--window-size=%d,%d', $o{width} // 1280, $o{height} // 900),
	    'about:blank');
	my $pid = fork // croak "fork: $!";
	if (!$pid) {
		setpgid(0, 0);
		# Through fresh descriptors (above 6, as 3 to 6 are the
		# pipes): dup2 onto 3 and 4 then clears close-on-exec.
		my ($r, $w) = (POSIX::dup(fileno $cmd_r), POSIX::dup(fileno $res_w));
		defined $r && defined $w && POSIX::dup2($r, 3) && POSIX::dup2($w, 4)
		    or _exit(126);
		open STDIN, '<', '/dev/null';
		open STDOUT, '>', "$self->{profile}/chromium.log";
		open STDERR, '>&', \*STDOUT;
		{ no warnings 'exec'; exec { $argv[0] } @argv; }
		_exit(127);
	}
	close $cmd_r;
	close $res_w;
	$cmd_w->autoflush(1);
	@$self{qw(pid in out)} = ($pid, $res_r, $cmd_w);
	$self->{version} = $self->call('Browser.getVersion')->{product};
	$self->call('Target.setDiscoverTargets', { discover => JSON::PP::true });
	my $t = $self->call('Target.createTarget', { url => 'about:blank' });
	$self->{target} = $t->{targetId};
	$self->{session} = $self->call('Target.attachToTarget',
	    { targetId => $t->{targetId}, flatten => JSON::PP::true })->{sessionId};
	$self->cmd($_) for qw(Page.enable Runtime.enable Network.enable Log.enable);
	$self->cmd('Emulation.setDeviceMetricsOverride', { width => $o{width} // 1280,
	    height => $o{height} // 900, deviceScaleFactor => 1,
	    mobile => JSON::PP::false });
	return $self;
}

sub version { $_[0]{version} }

# ---------------------------------------------------------------- protocol

sub _send {
	my ($self, $msg) = @_;
	my $text = $JSON->encode($msg);
	print { $self->{out} } "$text\0" or croak "chromium: write: $!";
}

# The next message, or undef after $timeout seconds.
sub _read {
	my ($self, $timeout) = @_;
	my $deadline = time + $timeout;
	my $sel = IO::Select->new($self->{in});
	for (;;) {
		if ((my $i = index $self->{buf}, "\0") >= 0) {
			my $text = substr $self->{buf}, 0, $i + 1, '';
			chop $text;
			return $JSON->decode($text);
		}
		my $left = $deadline - time;
		return undef if $left <= 0;
		next unless $sel->can_read($left);
		my $n = sysread $self->{in}, $self->{buf}, 1 << 20, length $self->{buf};
		croak "chromium closed the pipe:\n" . $self->log_tail unless $n;
	}
}

# A browser-level command; its result.
sub call {
	my ($self, $method, $params, $session) = @_;
	my $id = ++$self->{id};
	$self->_send({ id => $id, method => $method, params => $params // {},
	    $session ? (sessionId => $session) : () });
	my $deadline = time + $self->{timeout};
	for (;;) {
		my $m = $self->_read($deadline - time) //
		    croak "chromium: no answer to $method in $self->{timeout} s";
		if (defined $m->{id} && $m->{id} == $id) {
			croak "chromium: $method: $m->{error}{message}" if $m->{error};
			return $m->{result};
		}
		$self->_event($m) if $m->{method};
	}
}

# A command to the page.
sub cmd {
	my ($self, $method, $params) = @_;
	return $self->call($method, $params, $self->{session});
}

# Handles events as they arrive (between answers and in pump).
sub _event {
	my ($self, $m) = @_;
	my ($e, $p) = ($m->{method}, $m->{params});
	push @{ $self->{queue} }, $m;
	if ($e eq 'Runtime.consoleAPICalled' && $p->{type} =~ /^(?:error|assert)$/) {
		$self->_problem('console.' . $p->{type} . ': ' . join ' ',
		    map { $_->{value} // $_->{description} // '' } @{ $p->{args} });
	} elsif ($e eq 'Runtime.exceptionThrown') {
		my $d = $p->{exceptionDetails};
		$self->_problem('exception: ' . ($d->{exception}{description} //
		    $d->{text}));
	} elsif ($e eq 'Log.entryAdded' && $p->{entry}{level} eq 'error') {
		$self->_problem("log: $p->{entry}{text}" .
		    ($p->{entry}{url} ? " ($p->{entry}{url})" : ''));
	} elsif ($e eq 'Network.requestWillBeSent') {
		my $r = $self->{requests}{$p->{requestId}} //= {};
		push @{ $self->{order} }, $p->{requestId} unless $r->{url};
		@$r{qw(url type)} = ($p->{request}{url}, $p->{type});
	} elsif ($e eq 'Network.responseReceived') {
		my $r = $self->{requests}{$p->{requestId}} //= {};
		$r->{status} = $p->{response}{status};
		$r->{cached} = $p->{response}{fromDiskCache} ? 1 : 0;
		$r->{encoding} = $p->{response}{headers}{'Content-Encoding'} //
		    $p->{response}{headers}{'content-encoding'};
		$self->_problem("HTTP $r->{status}: $p->{response}{url}")
		    if $r->{status} >= 400;
	} elsif ($e eq 'Network.loadingFinished') {
		my $r = $self->{requests}{$p->{requestId}} //= {};
		$r->{bytes} = $p->{encodedDataLength};
		$r->{done} = 1;
	} elsif ($e eq 'Network.loadingFailed') {
		my $r = $self->{requests}{$p->{requestId}} //= {};
		$r->{failed} = $p->{errorText};
		$self->_problem('request failed: ' . ($r->{url} // '?') .
		    ": $p->{errorText}") unless $p->{canceled};
	} elsif ($e eq 'Target.targetCreated' && $p->{targetInfo}{type} eq 'page' &&
	    $p->{targetInfo}{targetId} ne ($self->{target} // '')) {
		push @{ $self->{opened} }, $p->{targetInfo};
	}
}

sub _problem { push @{ $_[0]{problems} }, $_[1] }

# Reads events for $seconds (or until $until->() is true).
sub pump {
	my ($self, $seconds, $until) = @_;
	my $deadline = time + $seconds;
	while (time < $deadline) {
		return 1 if $until && $until->();
		my $m = $self->_read(0.05) or next;
		$self->_event($m) if $m->{method};
	}
	return $until ? $until->() : 1;
}

# ---------------------------------------------------------------- pages

# Loads $url and waits for its load event; the document's HTTP status.
sub goto {
	my ($self, $url) = @_;
	$self->{queue} = [];
	$self->{requests} = {};
	$self->{order} = [];
	my $nav = $self->cmd('Page.navigate', { url => $url });
	croak "navigate $url: $nav->{errorText}" if $nav->{errorText};
	$self->pump($self->{timeout}, sub {
		grep { $_->{method} eq 'Page.loadEventFired' } @{ $self->{queue} }
	}) or croak "$url did not load in $self->{timeout} s";
	my ($doc) = grep { ($_->{type} // '') eq 'Document' }
	    map { $self->{requests}{$_} } @{ $self->{order} };
	return $doc ? $doc->{status} : undef;
}

# The value of a JavaScript expression (awaited if a promise); croaks with
# the exception's text when it throws.
sub eval {
	my ($self, $js) = @_;
	my $r = $self->cmd('Runtime.evaluate', { expression => $js,
	    returnByValue => JSON::PP::true, awaitPromise => JSON::PP::true });
	croak 'page: ' . ($r->{exceptionDetails}{exception}{description} //
	    $r->{exceptionDetails}{text}) . "\n  in: $js" if $r->{exceptionDetails};
	return $r->{result}{value};
}

# Polls $js until it is true (its value) or $timeout s pass (undef).
sub wait_for {
	my ($self, $js, $timeout) = @_;
	my $deadline = time + ($timeout // 10);
	for (;;) {
		my $v = $self->eval($js);
		return $v if $v;
		return undef if time > $deadline;
		$self->pump(0.05);
	}
}

sub mouse {
	my ($self, $type, $x, $y, %o) = @_;
	# A move with the left button down names it, or Chromium releases a
	# pointer capture.
	my $button = $o{button} // (($o{buttons} // 0) & 1 ? 'left' : 'none');
	$self->cmd('Input.dispatchMouseEvent', { type => $type, x => $x + 0,
	    y => $y + 0, button => $button, clickCount => $o{clicks} // 0,
	    buttons => $o{buttons} // 0 });
}

sub move { my ($self, $x, $y) = @_; $self->mouse('mouseMoved', $x, $y) }

sub click {
	my ($self, $x, $y) = @_;
	$self->mouse('mouseMoved', $x, $y);
	$self->mouse('mousePressed', $x, $y, button => 'left', clicks => 1, buttons => 1);
	$self->mouse('mouseReleased', $x, $y, button => 'left', clicks => 1);
}

# A wheel turn at ($x, $y); %o: ctrl, shift.
sub wheel {
	my ($self, $x, $y, $dx, $dy, %o) = @_;
	$self->cmd('Input.dispatchMouseEvent', { type => 'mouseWheel', x => $x + 0,
	    y => $y + 0, deltaX => $dx + 0, deltaY => $dy + 0,
	    modifiers => ($o{ctrl} ? 2 : 0) | ($o{shift} ? 8 : 0) });
}

my %KEY = (ArrowLeft => 37, ArrowRight => 39, Enter => 13, Escape => 27,
    Home => 36, End => 35, Tab => 9, ' ' => 32);

# Presses and releases one key (a name such as 'ArrowLeft' or a character).
sub key {
	my ($self, $key, %o) = @_;
	my $code = $KEY{$key} // ord uc $key;
	my %ev = (key => $key, windowsVirtualKeyCode => $code,
	    modifiers => $o{shift} ? 8 : 0);
	# Keys with a character produce it (Enter's is a carriage return),
	# which is what activates a focused summary or button.
	$ev{text} = $key eq 'Enter' ? "\r" : $key if length $key == 1 || $key eq 'Enter';
	$self->cmd('Input.dispatchKeyEvent', { type => 'keyDown', %ev });
	$self->cmd('Input.dispatchKeyEvent', { type => 'keyUp', %ev });
}

# Light or dark, as the system would say (prefers-color-scheme).
sub scheme {
	my ($self, $scheme) = @_;
	$self->cmd('Emulation.setEmulatedMedia', { features => [
	    { name => 'prefers-color-scheme', value => $scheme }] });
}

# A PNG of the viewport (or, with full => 1, the whole page; with
# clip => [x, y, width, height], that part of the viewport).
sub screenshot {
	my ($self, $file, %o) = @_;
	my %p = (format => 'png');
	if (my $c = $o{clip}) {
		# The clip is in page coordinates: add the scroll.
		my ($sx, $sy) = @{ $self->eval('[window.scrollX, window.scrollY]') };
		$p{clip} = { x => $c->[0] + $sx, y => $c->[1] + $sy,
		    width => $c->[2], height => $c->[3], scale => 1 };
	}
	$p{captureBeyondViewport} = JSON::PP::true if $o{full};
	if ($o{full}) {
		my $m = $self->cmd('Page.getLayoutMetrics');
		my $s = $m->{cssContentSize} // $m->{contentSize};
		$p{clip} = { x => 0, y => 0, width => $s->{width},
		    height => $s->{height} < 6000 ? $s->{height} : 6000, scale => 1 };
	}
	my $png = decode_base64($self->cmd('Page.captureScreenshot', \%p)->{data});
	open my $fh, '>:raw', $file or croak "$file: $!";
	print $fh $png;
	close $fh or croak "$file: $!";
	return $file;
}

# What went wrong since the last call: a list of strings.
sub problems {
	my ($self) = @_;
	$self->pump(0.1);
	my @p = @{ $self->{problems} };
	$self->{problems} = [];
	return @p;
}

# The requests since the last goto, in order: {url, type, status, bytes
# (on the wire, headers included), cached, encoding, failed}.
sub requests {
	my ($self) = @_;
	$self->pump(0.1);
	return map { { %{ $self->{requests}{$_} } } } @{ $self->{order} };
}

# Pages the page opened (window.open) since the last call: target infos.
sub opened {
	my ($self) = @_;
	$self->pump(0.2);
	return @{ delete $self->{opened} || [] };
}

sub clear_cache {
	my ($self) = @_;
	$self->cmd('Network.clearBrowserCache');
}

sub log_tail {
	my ($self) = @_;
	open my $fh, '<', "$self->{profile}/chromium.log" or return '';
	my @l = <$fh>;
	splice @l, 0, -10 if @l > 10;
	return join '', @l;
}

sub quit {
	my ($self) = @_;
	return unless $self->{pid} && $$ == $self->{owner};
	eval { $self->_send({ id => ++$self->{id}, method => 'Browser.close' }) };
	my $deadline = time + 5;
	while (time < $deadline && waitpid($self->{pid}, WNOHANG) == 0) { sleep 0.05 }
	kill 'KILL', -$self->{pid};
	waitpid $self->{pid}, 0;
	delete $self->{pid};
	remove_tree($self->{profile});
}

sub DESTROY {
	my ($self) = @_;
	local ($?, $@, $!);
	$self->quit;
}

1;

__END__

=head1 NAME

Browser - headless Chromium through the DevTools protocol, for the site's
tests

=head1 SYNOPSIS

    my $b = Browser->new(width => 1280, height => 900);
    is($b->goto("$base/"), 200);
    $b->wait_for(q{document.querySelector('li.chart[data-state=drawn]')});
    my @bad = $b->problems;		# console errors, failed requests
    $b->screenshot("$out/landing.png");

=head1 DESCRIPTION

Starts Debian's C<chromium> (C<BENCHINGEST_TEST_CHROMIUM> names another
binary) with C<@Browser::FLAGS> and a fresh profile directory, and drives
one page. C<available> says whether the binary is installed.

Methods: C<goto($url)> (status of the document), C<eval($js)>,
C<wait_for($js, $timeout)>, C<move($x, $y)>, C<click($x, $y)>,
C<mouse($type, $x, $y, %o)>, C<wheel($x, $y, $dx, $dy, ctrl =E<gt> 1,
shift =E<gt> 1)>, C<key($key, shift =E<gt> 1)>,
C<scheme('light'|'dark')>, C<screenshot($file, full =E<gt> 1, clip =E<gt>
[$x, $y, $w, $h])>,
C<problems> (and forget them), C<requests>, C<opened>, C<clear_cache>,
C<cmd($method, \%params)> (any page command), C<call> (a browser
command), C<pump($seconds, $until)>, C<version>, C<quit> (also on
DESTROY).

=cut
