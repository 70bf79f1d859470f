#!/usr/bin/perl
# doc/ingest-api.md §4 check 3, "malformed": every rule with a case that
# breaks it and, where the rule has an edge, a case right beside it that
# does not.  A broken envelope gets 400 {"error":"malformed","message":...}
# with no record_index, a message that names the path (records[1].value_ns,
# commit.timestamp, ...) and no change at all to the database.  The
# precedence of step 3 over step 4 (version) and of step 4 over step 5
# (record) is at the end.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use BenchTest;
use Envelopes qw(raw_json fresh_envelope error_is message_names);

my $t = BenchTest->new;
my $dbh = $t->dbh;
my $JSON = JSON::PP->new->utf8->canonical;

# The body of a fresh envelope (new commit sha) with raw substitutions.
sub body { my (%o) = @_; return raw_json(fresh_envelope(), %o) }
sub text { return $JSON->encode($_[0] // fresh_envelope()) }

# A string read back from Postgres, as characters.
sub chars { my ($s) = @_; utf8::decode($s) unless utf8::is_utf8($s); $s }

# $body must be rejected as malformed; the message must contain each of
# @$frags verbatim.
sub bad {
	my ($name, $body, $frags) = @_;
	subtest "malformed: $name" => sub {
		my $before = $t->row_counts;
		my $r = $t->ingest($body);
		error_is($r, 400, 'malformed', '400 {"error":"malformed"}');
		ok(ref $r->{json} eq 'HASH' && !exists $r->{json}{record_index},
		    'no record_index');
		ok(ref $r->{json} eq 'HASH' && defined $r->{json}{message} &&
		    length $r->{json}{message}, 'a message');
		message_names($r, $frags || [], $name);
		is_deeply($t->row_counts, $before, 'no row written');
	};
}

# $body must be accepted with every record inserted; $check (optional) gets
# the response and looks at the stored rows.
sub good {
	my ($name, $body, $check, $n) = @_;
	subtest "accepted: $name" => sub {
		my $r = $t->ingest($body);
		is($r->{status}, 200, 'status 200') or diag($r->{content});
		is_deeply($r->{json}, { inserted => $n // 5, updated => 0 },
		    "all records inserted");
		$check->($r) if $check && $r->{status} == 200;
	};
}

# A value read back from the rows of the envelope $e.
sub stored {
	my ($e, $sql) = @_;
	return $dbh->selectrow_array($sql, undef, $e->{commit}{sha});
}

# ---------------------------------------------------------------- UTF-8

{
	my $e = fresh_envelope();
	my $msg = "na\x{ef}ve \x{20ac} \x{1F600} \x{4e2d}\x{6587}";
	$e->{commit}{message} = $msg;
	$e->{records}[2]{dataset} = "t\x{e4}xi";
	good('2-, 3- and 4-byte UTF-8 in strings', text($e), sub {
		is(chars(stored($e, 'SELECT message FROM commits WHERE commit_sha = ?')),
		    $msg, 'the commit message is stored character for character');
		is(chars(stored($e, 'SELECT dataset FROM compression_sizes WHERE commit_sha = ?')),
		    "t\x{e4}xi", 'the record string is stored');
	});
}
{
	my $e = fresh_envelope();
	good('\u escapes, a surrogate pair among them',
	    raw_json($e, value => { 'commit.message' =>
	    '"\u00e9\ud83d\ude00\n\t\"\\\\\/"' }), sub {
		is(chars(stored($e, 'SELECT message FROM commits WHERE commit_sha = ?')),
		    "\x{e9}\x{1F600}\n\t\"\\/", 'the unescaped text is stored');
	});
}
bad('a truncated UTF-8 sequence inside a string',
    body(value => { 'commit.message' => qq{"ab\xc3("} }));
bad('a lone continuation byte inside a string',
    body(value => { 'records.2.dataset' => qq{"a\x80b"} }));
bad('a lone 0xff byte inside a string',
    body(value => { 'records.2.dataset' => qq{"\xff"} }));
bad('an overlong encoding of "/"',
    body(value => { 'commit.message' => qq{"\xc0\xaf"} }));
bad('a UTF-16 surrogate encoded in UTF-8',
    body(value => { 'commit.message' => qq{"\xed\xa0\x80"} }));
bad('a code point above U+10FFFF',
    body(value => { 'commit.message' => qq{"\xf4\x90\x80\x80"} }));
{
	my $s = text();
	substr($s, 1, 0) = "\xff";
	bad('a lone 0xff byte between tokens', $s);
	$s = text();
	substr($s, 1, 0) = "\xc2\xa0";
	bad('a UTF-8 no-break space (not JSON whitespace) between tokens', $s);
}

# ---------------------------------------------------------------- not JSON

bad('an empty body', '');
bad('only whitespace', " \n");
bad('a lone "{"', '{');
bad('half of a valid envelope', substr(text(), 0, int(length(text()) / 2)));
bad('the top level is null', 'null');
bad('the top level is an array', '[' . text() . ']');
bad('the top level is a string', '"envelope"');
bad('the top level is a number', '1');
{
	my $s = text();
	$s =~ s/\}$/,}/;
	bad('a trailing comma in the envelope object', $s);
	$s = text();
	$s =~ s/,"records":/"records":/;
	bad('a missing comma between members', $s);
	$s = text();
	$s =~ s/"records":/"records"/;
	bad('a missing colon', $s);
	bad('a comment before the object', "/* c */ " . text());
}
bad('a trailing comma in an array',
    body(value => { 'records.1.all_runtimes_ns' => '[1,2,]' }));
bad('a single-quoted string', body(value => { 'commit.message' => q{'x'} }));
bad('a leading zero', body(value => { 'records.1.value_ns' => '0123' }));
bad('a leading plus', body(value => { 'records.1.value_ns' => '+1' }));
bad('a number starting with "."', body(value => { 'records.4.threshold' => '.5' }));
bad('a number ending in "."', body(value => { 'records.4.threshold' => '1.' }));
bad('an exponent without digits', body(value => { 'records.4.threshold' => '1e' }));
bad('a hexadecimal number', body(value => { 'records.1.value_ns' => '0x10' }));
bad('a lone minus', body(value => { 'records.1.value_ns' => '-' }));
bad('a raw control character in a string',
    body(value => { 'commit.message' => qq{"a\x01b"} }));
bad('a raw newline in a string',
    body(value => { 'commit.message' => qq{"a\nb"} }));
bad('a raw NUL byte in a string',
    body(value => { 'records.2.dataset' => qq{"a\x00b"} }));
bad('an unknown escape \x', body(value => { 'commit.message' => q{"\x41"} }));
bad('a short \u escape', body(value => { 'commit.message' => q{"\u12"} }));
bad('an unterminated string', substr(text(), 0, -2) . '"x');

# ---------------------------------------------------------------- trailing

bad('a trailing letter after the object', text() . 'x');
bad('a second "}" after the object', text() . '}');
bad('a second object after the object', text() . ' {}');
bad('a trailing NUL byte', text() . "\x00");
bad('a trailing comma', text() . ',');
bad('trailing null after whitespace', text() . "\n null");
good('a trailing newline', text() . "\n");
good('trailing spaces, tabs, CR and LF', text() . " \t\r\n \n");
good('leading whitespace', "\n\t " . text());

# ---------------------------------------------------------------- tokens

for my $tok ('NaN', 'Infinity', '-Infinity', 'nan', 'inf') {
	bad("$tok as an i64", body(value => { 'records.1.value_ns' => $tok }),
	    ['records[1].value_ns']);
	bad("$tok as an f64", body(value => { 'records.4.threshold' => $tok }),
	    ['records[4].threshold']);
}
bad('NaN inside all_runtimes_ns',
    body(value => { 'records.3.all_runtimes_ns' => '[1,NaN]' }),
    ['records[3].all_runtimes_ns']);
bad('"True" for a literal',
    body(value => { 'records.0.dataset_variant' => 'True' }),
    ['records[0].dataset_variant']);
bad('"nul" for a literal',
    body(value => { 'records.0.dataset_variant' => 'nul' }),
    ['records[0].dataset_variant']);
bad('"undefined"', body(value => { 'records.0.env_triple' => 'undefined' }),
    ['records[0].env_triple']);

# ---------------------------------------------------------------- missing

for my $m (qw(run_meta commit records)) {
	bad("no top-level \"$m\"", text(fresh_envelope($m => undef)), [$m]);
}
for my $m (qw(benchmark_id schema_version started_at)) {
	bad("no run_meta.$m", text(fresh_envelope("run_meta.$m" => undef)),
	    ['run_meta', $m]);
}
for my $m (qw(sha timestamp message author_name author_email committer_name
    committer_email tree_sha url)) {
	bad("no commit.$m", text(fresh_envelope("commit.$m" => undef)),
	    ['commit', $m]);
}
{
	my %required = (
	    0 => [qw(commit_sha dataset query_idx storage engine format
		value_ns all_runtimes_ns)],
	    1 => [qw(commit_sha dataset format op value_ns all_runtimes_ns)],
	    2 => [qw(commit_sha dataset format value_bytes)],
	    3 => [qw(commit_sha dataset format value_ns all_runtimes_ns)],
	    4 => [qw(commit_sha dataset layout flavor threshold value_ns
		all_runtimes_ns matches rows_scanned bytes_scanned iterations)],
	);
	for my $i (sort keys %required) {
		my $kind = BenchTest::envelope()->{records}[$i]{kind};
		for my $m (@{ $required{$i} }) {
			bad("$kind without $m",
			    text(fresh_envelope("records.$i.$m" => undef)),
			    ["records[$i]", $m]);
		}
	}
	# Optional members may be absent or null.
	my $absent = fresh_envelope();
	my $null = fresh_envelope();
	my %optional = (
	    0 => [qw(dataset_variant scale_factor peak_physical peak_virtual
		physical_delta virtual_delta env_triple)],
	    1 => [qw(dataset_variant env_triple)],
	    2 => [qw(dataset_variant)],
	    3 => [qw(env_triple)],
	    4 => [qw(env_triple)],
	);
	for my $i (keys %optional) {
		for my $m (@{ $optional{$i} }) {
			delete $absent->{records}[$i]{$m};
			$null->{records}[$i]{$m} = undef;
		}
	}
	good('every optional member absent', text($absent), sub {
		is(stored($absent, 'SELECT count(*) FROM query_measurements
		    WHERE commit_sha = ? AND scale_factor IS NULL
		    AND peak_physical IS NULL AND env_triple IS NULL'), 1,
		    'absent members are stored as NULL');
	});
	good('every optional member null', text($null));
}

# ---------------------------------------------------------------- duplicates

{
	my $e = fresh_envelope();
	my $sha = $e->{commit}{sha};
	bad('a duplicate top-level member',
	    raw_json($e, member => { '' => '"records":[]' }), ['records']);
	bad('a duplicate run_meta member (same value)',
	    body(member => { run_meta => '"schema_version":1' }),
	    ['run_meta', 'schema_version']);
	$e = fresh_envelope();
	bad('a duplicate commit member (same value)',
	    raw_json($e, member => { commit => qq{"sha":"$e->{commit}{sha}"} }),
	    ['commit', 'sha']);
	bad('a duplicate record member (same value)',
	    body(member => { 'records.1' => '"value_ns":5000000' }),
	    ['records[1]', 'value_ns']);
	bad('a duplicate "kind" (same value)',
	    body(member => { 'records.0' => '"kind":"query_measurement"' }),
	    ['records[0]', 'kind']);
	bad('a duplicate "kind" (another kind first)',
	    body(member => { 'records.0' => '"kind":"compression_time"' }),
	    ['records[0]', 'kind']);
	bad('a duplicate optional member, both null',
	    body(member => { 'records.0' =>
	    '"dataset_variant":null,"dataset_variant":null' }),
	    ['records[0]', 'dataset_variant']);
	bad('a duplicate spelled with a \u escape',
	    body(member => { 'records.1' => '"v\u0061lue_ns":5000000' }),
	    ['records[1]', 'value_ns']);
	bad('a duplicate member in the last record',
	    body(member => { 'records.4' => '"iterations":3' }),
	    ['records[4]', 'iterations']);
}

# ---------------------------------------------------------------- unknown

bad('an unknown top-level member', body(member => { '' => '"extra":1' }),
    ['extra']);
bad('an unknown run_meta member',
    body(member => { run_meta => '"extra":1' }), ['run_meta', 'extra']);
bad('an unknown commit member',
    body(member => { commit => '"extra":"x"' }), ['commit', 'extra']);
bad('an unknown record member',
    body(member => { 'records.0' => '"extra":1' }), ['records[0]', 'extra']);
bad('an unknown record member whose value is null',
    body(member => { 'records.3' => '"extra":null' }),
    ['records[3]', 'extra']);
bad('a member of another kind ("op" on a query_measurement)',
    body(member => { 'records.0' => '"op":"encode"' }), ['records[0]', 'op']);
bad('a member of another kind ("iterations" on a compression_time)',
    body(member => { 'records.1' => '"iterations":3' }),
    ['records[1]', 'iterations']);
bad('a member name in the wrong case ("Value_ns")',
    body(member => { 'records.3' => '"Value_ns":1' }), ['records[3]', 'Value_ns']);
bad('"measurement_id" sent by the client',
    body(member => { 'records.2' => '"measurement_id":1' }),
    ['records[2]', 'measurement_id']);
bad('"commit_timestamp" sent by the client',
    body(member => { 'records.0' => '"commit_timestamp":"2026-06-18T11:59:00Z"' }),
    ['records[0]', 'commit_timestamp']);
bad('an unknown member holding a deeply nested array',
    body(member => { '' => '"extra":' . ('[' x 100000) . (']' x 100000) }));
bad('100000 nested arrays, unterminated', '{"run_meta":' . ('[' x 100000));
good('the service still answers after deep nesting', text());

# ---------------------------------------------------------------- types

for my $v ('"5000000"', 'true', 'false', '1.5', '1.0', '1e3', '1E3',
    '5000000.0', 'null', '[1]', '{}') {
	bad("$v for an i64 (value_ns)",
	    body(value => { 'records.1.value_ns' => $v }), ['records[1].value_ns']);
}
for my $v ('"3"', '3.0', 'true', 'null') {
	bad("$v for an i32 (query_idx)",
	    body(value => { 'records.0.query_idx' => $v }), ['records[0].query_idx']);
}
bad('3.5 for iterations', body(value => { 'records.4.iterations' => '3.5' }),
    ['records[4].iterations']);
bad('1.2e7 for value_bytes',
    body(value => { 'records.2.value_bytes' => '1.2e7' }),
    ['records[2].value_bytes']);
bad('"8192" for an i64? (peak_physical)',
    body(value => { 'records.0.peak_physical' => '"8192"' }),
    ['records[0].peak_physical']);
bad('8192.0 for an i64? (peak_physical)',
    body(value => { 'records.0.peak_physical' => '8192.0' }),
    ['records[0].peak_physical']);
for my $v ('"1"', '1.0', 'null', 'true') {
	bad("$v for schema_version",
	    body(value => { 'run_meta.schema_version' => $v }),
	    ['run_meta.schema_version']);
}
for my $c (['run_meta.benchmark_id', 'null'], ['run_meta.started_at', '5'],
    ['commit.sha', 'null'], ['commit.message', 'null'], ['commit.url', '1'],
    ['commit.timestamp', '1781783940'], ['commit.author_name', '["a"]'],
    ['records.2.dataset', 'null'], ['records.2.dataset', '5'],
    ['records.0.engine', 'true'], ['records.1.op', '{}'],
    ['records.0.scale_factor', '10'], ['records.0.env_triple', '[]'],
    ['records.2.dataset_variant', 'false'], ['records.3.commit_sha', '0']) {
	my ($path, $v) = @$c;
	(my $shown = $path) =~ s/\.(\d+)\./[$1]./;
	bad("$v for the string $path", body(value => { $path => $v }), [$shown]);
}
for my $v ('[1,null,3]', '[1,"2",3]', '[1,2.5]', '[true]', '[[1]]',
    '{"0":1}', 'null', '"1,2,3"', '5') {
	bad("$v for all_runtimes_ns",
	    body(value => { 'records.1.all_runtimes_ns' => $v }),
	    ['records[1].all_runtimes_ns']);
}
{
	my $e = fresh_envelope('records.1.all_runtimes_ns' => []);
	good('an empty all_runtimes_ns', text($e), sub {
		is(stored($e, q{SELECT cardinality(all_runtimes_ns) FROM
		    compression_times WHERE commit_sha = ?}), 0,
		    'stored as an empty array');
	});
}
for my $v ('"0.85"', 'null', 'true', '[0.85]') {
	bad("$v for an f64 (threshold)",
	    body(value => { 'records.4.threshold' => $v }), ['records[4].threshold']);
}
bad('an object for records', body(value => { records => '{}' }), ['records']);
bad('null for records', body(value => { records => 'null' }), ['records']);
bad('an array for run_meta', body(value => { run_meta => '[]' }), ['run_meta']);
bad('null for run_meta', body(value => { run_meta => 'null' }), ['run_meta']);
bad('a string for commit', body(value => { commit => '"sha"' }), ['commit']);

# ---------------------------------------------------------------- ranges

for my $c (['2147483648', 0], ['-2147483649', 0], ['2147483647', 1],
    ['-2147483648', 1], ['99999999999', 0]) {
	my ($v, $ok) = @$c;
	my $e = fresh_envelope();
	my $b = raw_json($e, value => { 'records.0.query_idx' => $v });
	if ($ok) {
		good("i32 query_idx $v", $b, sub {
			is(stored($e, 'SELECT query_idx FROM query_measurements
			    WHERE commit_sha = ?'), $v, "query_idx $v stored");
		});
	} else {
		bad("i32 query_idx $v", $b, ['records[0].query_idx']);
	}
}
bad('i32 iterations 2147483648',
    body(value => { 'records.4.iterations' => '2147483648' }),
    ['records[4].iterations']);
bad('i32 schema_version 2147483648 (out of range before any version check)',
    body(value => { 'run_meta.schema_version' => '2147483648' }),
    ['run_meta.schema_version']);
bad('i32 schema_version -2147483649',
    body(value => { 'run_meta.schema_version' => '-2147483649' }),
    ['run_meta.schema_version']);
for my $c (['9223372036854775808', 0], ['-9223372036854775809', 0],
    ['18446744073709551616', 0], ['99999999999999999999999', 0],
    ['9223372036854775807', 1], ['-9223372036854775808', 1]) {
	my ($v, $ok) = @$c;
	my $e = fresh_envelope();
	my $b = raw_json($e, value => { 'records.1.value_ns' => $v });
	if ($ok) {
		good("i64 value_ns $v", $b, sub {
			is(stored($e, 'SELECT value_ns::text FROM compression_times
			    WHERE commit_sha = ?'), $v, "value_ns $v stored exactly");
		});
	} else {
		bad("i64 value_ns $v", $b, ['records[1].value_ns']);
	}
}
bad('i64 9223372036854775808 inside all_runtimes_ns',
    body(value => { 'records.3.all_runtimes_ns' => '[1,9223372036854775808]' }),
    ['records[3].all_runtimes_ns']);
bad('i64? 9223372036854775808 (peak_virtual)',
    body(value => { 'records.0.peak_virtual' => '9223372036854775808' }),
    ['records[0].peak_virtual']);
{
	my $e = fresh_envelope();
	good('the i64 extremes inside all_runtimes_ns',
	    raw_json($e, value => { 'records.3.all_runtimes_ns' =>
	    '[-9223372036854775808,0,9223372036854775807]' }), sub {
		is(stored($e, 'SELECT all_runtimes_ns::text FROM random_access_times
		    WHERE commit_sha = ?'),
		    '{-9223372036854775808,0,9223372036854775807}', 'stored exactly');
	});
}
for my $c (['1', '1'], ['-0.85', '-0.85'], ['1E-2', '0.01'],
    ['1e308', '1e308'], ['123456789012345678901234567890',
    '123456789012345678901234567890']) {
	my ($v, $sqlv) = @$c;
	my $e = fresh_envelope();
	good("f64 threshold $v", raw_json($e, value => { 'records.4.threshold' => $v }),
	    sub {
		ok(stored($e, "SELECT threshold = '$sqlv'::float8 FROM
		    vector_search_runs WHERE commit_sha = ?"),
		    "threshold stored as $sqlv");
	});
}
for my $v ('1e400', '-1e400', '1.8e308') {
	bad("f64 threshold $v (not finite as a double)",
	    body(value => { 'records.4.threshold' => $v }), ['records[4].threshold']);
}

# ---------------------------------------------------------------- records

for my $v ('1', '"x"', 'null', '[]', 'true') {
	bad("a record that is $v", body(value => { 'records.2' => $v }),
	    ['records[2]']);
}
bad('no kind', text(fresh_envelope('records.1.kind' => undef)),
    ['records[1]', 'kind']);
for my $v ('"query_measurements"', '"Query_Measurement"', '""', '"compression"') {
	bad("unknown kind $v", body(value => { 'records.0.kind' => $v }),
	    ['records[0]']);
}
for my $v ('null', '1', '["query_measurement"]') {
	bad("kind $v", body(value => { 'records.3.kind' => $v }),
	    ['records[3]', 'kind']);
}
good('an empty records array', text(fresh_envelope(records => [])), undef, 0);

# ---------------------------------------------------------------- timestamps

for my $ts ('yesterday', '', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z', '2026-06-18T25:00:00Z', '2026-06-18T11:60:00Z',
    '2026-06-18T11:59:00Z junk', '2026-06-18T11:59:00+25:00',
    '2026-00-10T11:59:00Z', 'T11:59:00Z') {
	bad("commit.timestamp \"$ts\"",
	    text(fresh_envelope('commit.timestamp' => $ts)), ['commit.timestamp']);
}
for my $c (['2026-06-18T11:59:00Z', '2026-06-18T11:59:00.000000'],
    ['2026-06-18T11:59:00+02:00', '2026-06-18T09:59:00.000000'],
    ['2026-06-18T11:59:00-05:30', '2026-06-18T17:29:00.000000'],
    ['2026-06-18T11:59:00.123456Z', '2026-06-18T11:59:00.123456'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000000']) {
	my ($ts, $utc) = @$c;
	my $e = fresh_envelope('commit.timestamp' => $ts);
	good("commit.timestamp \"$ts\"", text($e), sub {
		is(stored($e, q{SELECT to_char(timestamp AT TIME ZONE 'UTC',
		    'YYYY-MM-DD"T"HH24:MI:SS.US') FROM commits WHERE commit_sha = ?}),
		    $utc, "stored as $utc UTC");
	});
}
# started_at is only a string: it is not parsed.
good('a run_meta.started_at that is not a time',
    text(fresh_envelope('run_meta.started_at' => 'whenever')));

# ---------------------------------------------------------------- precedence

bad('schema_version 2 with an unknown member: malformed beats version',
    body(value => { 'run_meta.schema_version' => '2' },
    member => { 'records.4' => '"extra":1' }), ['records[4]', 'extra']);
bad('schema_version 2 with a wrong type in a record: malformed beats version',
    body(value => { 'run_meta.schema_version' => '2',
    'records.1.value_ns' => '1.5' }), ['records[1].value_ns']);
bad('schema_version 0 with a bad storage: malformed (version < 1), not record',
    text(fresh_envelope('run_meta.schema_version' => 0,
    'records.0.storage' => 'ssd')));
subtest 'schema_version 2 with a bad storage: version beats record' => sub {
	my $before = $t->row_counts;
	my $r = $t->ingest(fresh_envelope('run_meta.schema_version' => 2,
	    'records.0.storage' => 'ssd'));
	is($r->{status}, 409, 'status 409');
	is_deeply($r->{json}, { error => 'schema_version_too_new',
	    expected => 1, got => 2 }, 'schema_version_too_new, got 2')
	    or diag($r->{content});
	is_deeply($t->row_counts, $before, 'no row written');
};
subtest 'schema_version 2 with a record of another commit: version beats record' => sub {
	my $r = $t->ingest(fresh_envelope('run_meta.schema_version' => 2,
	    'records.3.commit_sha' => BenchTest::random_sha()));
	is($r->{status}, 409, 'status 409');
	is($r->{json} && $r->{json}{error}, 'schema_version_too_new',
	    'schema_version_too_new');
};

done_testing;
