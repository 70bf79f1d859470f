/* The window n of a chart or group read, from its query string. */
#include "../../src/window.h"
#include "tap.h"

int
main(void)
{
	/* The window: missing or malformed 100, all (any case) 0, else clamped. */
	ok(window_parse("") == 100, "no n: 100");
	ok(window_parse("x=1") == 100, "another parameter only: 100");
	ok(window_parse("n=") == 100, "empty n: 100");
	ok(window_parse("n=abc") == 100, "n=abc: 100");
	ok(window_parse("n=1.5") == 100, "n=1.5: 100");
	ok(window_parse("n=+5") == 100, "n=+5: 100");
	ok(window_parse("n=-") == 100, "n=-: 100");
	ok(window_parse("n=all") == 0, "n=all: no limit");
	ok(window_parse("n=ALL") == 0, "n=ALL: no limit");
	ok(window_parse("n=aLl") == 0, "n=aLl: no limit");
	ok(window_parse("n=alll") == 100, "n=alll: 100");
	ok(window_parse("n=0") == 1, "n=0: clamped to 1");
	ok(window_parse("n=-5") == 1, "n=-5: clamped to 1");
	ok(window_parse("n=1") == 1, "n=1");
	ok(window_parse("n=007") == 7, "n=007: 7");
	ok(window_parse("n=1000") == 1000, "n=1000");
	ok(window_parse("n=1001") == 1000, "n=1001: clamped to 1000");
	ok(window_parse("n=99999999999999999999999") == 1000,
	    "a huge n: clamped to 1000");
	ok(window_parse("a=1&n=5&n=7") == 5, "the first n counts");
	ok(window_parse("nn=5") == 100, "nn is not n");
	return done_testing();
}
