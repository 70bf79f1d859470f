package Exposition;

# A strict reader of Prometheus's text exposition format 0.0.4, as
# benchingest writes it: every family with one HELP and one TYPE line
# before its samples, its samples in one group, no timestamps, no series
# twice, counters named *_total and never negative, histograms with
# ascending le bounds, cumulative buckets and a +Inf bucket equal to
# _count.
#
#   my $m = Exposition::parse($text);   # dies with every fault found
#   $m->{series}{'name{a="x",b="y"}'}   # a sample's value, labels sorted
#   $m->{type}{name}, $m->{help}{name}  # per family
#   Exposition::key($name, a => 'x')    # the key of a series
#   Exposition::value($m, $name, %labels)  # its value, or undef

use strict;
use warnings;

my $NAME = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
my $LABEL = qr/[a-zA-Z_][a-zA-Z0-9_]*/;
my $VALUE = qr/[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|NaN|[-+]Inf/;

sub key {
	my ($name, %labels) = @_;
	return $name unless %labels;
	return "$name\{" . join(',', map { my $v = $labels{$_};
	    $v =~ s/([\\"])/\\$1/g; $v =~ s/\n/\\n/g; qq{$_="$v"} }
	    sort keys %labels) . '}';
}

sub value {
	my ($m, $name, %labels) = @_;
	return $m->{series}{key($name, %labels)};
}

# The labels of a sample's {...}, or an error.
sub _labels {
	my ($text) = @_;
	my %l;
	while (length $text) {
		$text =~ s/^($LABEL)="((?:[^"\\\n]|\\[\\"n])*)"// or
		    return (undef, "bad label syntax at '$text'");
		my ($k, $v) = ($1, $2);
		return (undef, "label $k twice") if exists $l{$k};
		return (undef, "reserved label name $k") if $k =~ /^__/;
		$v =~ s/\\(.)/$1 eq 'n' ? "\n" : $1/ge;
		$l{$k} = $v;
		last if $text eq '';
		$text =~ s/^,// or return (undef, "expected , at '$text'");
	}
	return (\%l, undef);
}

# The family a sample belongs to, given the TYPEs seen.
sub _family {
	my ($name, $type) = @_;
	if ($name =~ /^(.*)_(?:bucket|sum|count)$/ &&
	    ($type->{$1} // '') eq 'histogram') {
		return $1;
	}
	return $name;
}

sub parse {
	my ($text) = @_;
	my (%help, %type, %series, %hist, @err, %done);
	my $current = '';
	push @err, 'does not end with a newline' unless $text =~ /\n\z/;
	push @err, 'has a carriage return' if $text =~ /\r/;
	my $n = 0;
	for my $line (split /\n/, $text) {
		$n++;
		my $where = "line $n";
		if ($line =~ /^# (HELP|TYPE) ($NAME) (.*)$/) {
			my ($what, $name, $rest) = ($1, $2, $3);
			push @err, "$where: $what for $name after its samples"
			    if $done{$name} || $current eq $name;
			if ($what eq 'HELP') {
				push @err, "$where: second HELP for $name"
				    if exists $help{$name};
				push @err, "$where: bad escape in HELP"
				    if $rest =~ /\\(?![\\n])/;
				$help{$name} = $rest;
			} else {
				push @err, "$where: second TYPE for $name"
				    if exists $type{$name};
				push @err, "$where: unknown type $rest"
				    unless $rest =~ /^(?:counter|gauge|histogram)$/;
				$type{$name} = $rest;
			}
			next;
		}
		if ($line =~ /^#/ || $line eq '') {
			push @err, "$where: not a HELP or TYPE line: $line";
			next;
		}
		my ($name, $labels, $v, $extra) =
		    $line =~ /^($NAME)(?:\{([^}]*)\})? ($VALUE)( .*)?$/ or do {
			push @err, "$where: not a sample: $line";
			next;
		};
		push @err, "$where: a timestamp" if defined $extra;
		my ($l, $why) = _labels($labels // '');
		if (!$l) {
			push @err, "$where: $why";
			next;
		}
		my $family = _family($name, \%type);
		push @err, "$where: $family has no TYPE" unless $type{$family};
		push @err, "$where: $family has no HELP" unless defined $help{$family};
		if ($family ne $current) {
			push @err, "$where: samples of $family are not in one group"
			    if $done{$family};
			$done{$current} = 1 if $current ne '';
			$current = $family;
		}
		my $k = key($name, %$l);
		push @err, "$where: $k twice" if exists $series{$k};
		$series{$k} = $v;
		my $t = $type{$family} // '';
		if ($t eq 'counter') {
			push @err, "$where: counter $name is not *_total"
			    unless $name =~ /_total$/;
			push @err, "$where: counter $k is negative" if $v < 0;
		}
		if ($t eq 'histogram') {
			my %base = %$l;
			my $le = delete $base{le};
			my $h = $hist{key($family, %base)} //= { buckets => [] };
			if ($name eq "${family}_bucket") {
				push @err, "$where: bucket without le" unless defined $le;
				push @{ $h->{buckets} }, [$le, $v] if defined $le;
			} elsif ($name eq "${family}_sum") {
				$h->{sum} = $v;
			} elsif ($name eq "${family}_count") {
				$h->{count} = $v;
			}
		}
	}
	for my $k (sort keys %hist) {
		my $h = $hist{$k};
		my @b = @{ $h->{buckets} };
		push @err, "$k: no buckets" unless @b;
		push @err, "$k: no _sum" unless defined $h->{sum};
		push @err, "$k: no _count" unless defined $h->{count};
		next unless @b && defined $h->{count};
		push @err, "$k: the last bucket is not +Inf" unless $b[-1][0] eq '+Inf';
		for my $i (1 .. $#b) {
			my ($lo, $hi) = ($b[$i - 1], $b[$i]);
			my $hile = $hi->[0] eq '+Inf' ? 9**9**9 : $hi->[0];
			push @err, "$k: le $hi->[0] not above $lo->[0]" unless $hile > $lo->[0];
			push @err, "$k: bucket le=$hi->[0] below the one before"
			    if $hi->[1] < $lo->[1];
		}
		push @err, "$k: +Inf bucket $b[-1][1] is not _count $h->{count}"
		    if $b[-1][1] != $h->{count};
	}
	for my $name (sort keys %type) {
		push @err, "$name: a TYPE without HELP" unless defined $help{$name};
	}
	die join("\n", @err) . "\n" if @err;
	return { series => \%series, type => \%type, help => \%help };
}

1;
