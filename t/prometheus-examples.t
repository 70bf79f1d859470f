#!/usr/bin/perl
# The Prometheus examples shipped in examples/: the scrape config and the
# alert rules it names are valid (promtool check config), and the three
# alerts an operator relies on fire when they should and not otherwise
# (promtool test rules, on made-up series): benchingest not scraped for
# 2 minutes, over 5% of answers 5xx for 5 minutes, the listener without a
# session for a minute.  The metrics the rules use are on the page
# (t/metrics.t checks the page against benchingest(8)).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp qw(tempdir);
use Test::More;
use BenchTest;

my $top = $BenchTest::TOP;
my $promtool = (grep { -x } map { "$_/promtool" } split /:/, $ENV{PATH})[0];
plan skip_all => 'promtool is not installed (package prometheus)' unless $promtool;

my $scrape = "$top/examples/prometheus-scrape.yml";
my $alerts = "$top/examples/benchingest-alerts.yml";
my $r = BenchTest::run_cmd([$promtool, 'check', 'config', $scrape]);
is($r->{exit}, 0, 'promtool check config prometheus-scrape.yml') or diag("$r->{stdout}$r->{stderr}");
like($r->{stdout}, qr/SUCCESS: 1 rule files found/, '... which names the alert rules');
$r = BenchTest::run_cmd([$promtool, 'check', 'rules', $alerts]);
is($r->{exit}, 0, 'promtool check rules benchingest-alerts.yml') or diag("$r->{stdout}$r->{stderr}");

# Every metric the rules use is one benchingest serves (or Prometheus's up).
my $rules = BenchTest::slurp($alerts);
my %documented = map { $_ => 1 } (BenchTest::slurp("$top/man/benchingest.8") // '') =~
    /^\.B (benchingest_\w+)$/mg;
for my $metric (sort keys %{{ map { $_ => 1 } $rules =~ /\b(benchingest_\w+)\{/g }}) {
	ok($documented{$metric}, "the rules' $metric is in benchingest(8)");
}

my $dir = tempdir('prometheus-examples.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $i = 'instance: "bench:8155"';
my $tests = <<"EOF";
rule_files:
  - $alerts
evaluation_interval: 1m
tests:
  # Not scraped: fires after 2 minutes of up == 0, not before.
  - interval: 1m
    input_series:
      - series: 'up{job="benchingest",instance="bench:8155"}'
        values: '1 0x10'
    alert_rule_test:
      - eval_time: 2m
        alertname: BenchingestDown
        exp_alerts: []
      - eval_time: 4m
        alertname: BenchingestDown
        exp_alerts:
          - exp_labels: {severity: critical, job: benchingest, $i}
            exp_annotations:
              summary: "benchingest on bench:8155 cannot be scraped"
              description: "Prometheus has not scraped /metrics for 2 minutes: check nginx, the benchingest service and its socket."
  # 10 of 110 answers a minute are 500s: fires once that has lasted 5
  # minutes.  1 of 101 never does.
  - interval: 1m
    input_series:
      - series: 'benchingest_http_requests_total{job="benchingest",instance="bench:8155",route="/api/ingest",status="200"}'
        values: '0+100x20'
      - series: 'benchingest_http_requests_total{job="benchingest",instance="bench:8155",route="/api/ingest",status="500"}'
        values: '0+10x20'
      - series: 'benchingest_http_requests_total{job="benchingest",instance="other:8155",route="/api/ingest",status="200"}'
        values: '0+100x20'
      - series: 'benchingest_http_requests_total{job="benchingest",instance="other:8155",route="/api/ingest",status="500"}'
        values: '0+1x20'
    alert_rule_test:
      - eval_time: 3m
        alertname: BenchingestServerErrors
        exp_alerts: []
      - eval_time: 15m
        alertname: BenchingestServerErrors
        exp_alerts:
          - exp_labels: {severity: warning, $i}
            exp_annotations:
              summary: "benchingest on bench:8155: 9.091% of answers are 5xx"
              description: "benchingest_http_request_errors_total has them by route and error class; the log has a reason for each."
  # The listener without a session: fires after a minute.
  - interval: 1m
    input_series:
      - series: 'benchingest_listener_up{job="benchingest",instance="bench:8155"}'
        values: '1 1 0 0 0 0'
      - series: 'benchingest_listener_up{job="benchingest",instance="other:8155"}'
        values: '1 1 1 1 1 1'
    alert_rule_test:
      - eval_time: 2m
        alertname: BenchingestListenerDisconnected
        exp_alerts: []
      - eval_time: 4m
        alertname: BenchingestListenerDisconnected
        exp_alerts:
          - exp_labels: {severity: warning, job: benchingest, $i}
            exp_annotations:
              summary: "benchingest on bench:8155: the read cache listener has no database session"
              description: "The listener cannot LISTEN on bench_data (benchingest_listener_connect_failures_total counts its attempts); reads are not cached until it can."
EOF
BenchTest::spew("$dir/tests.yml", $tests);
$r = BenchTest::run_cmd([$promtool, 'test', 'rules', "$dir/tests.yml"]);
is($r->{exit}, 0, 'promtool test rules: each alert fires when it should, and only then')
    or diag("$r->{stdout}$r->{stderr}");

done_testing;
