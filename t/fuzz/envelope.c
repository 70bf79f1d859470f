/*
 * Fuzz target: arbitrary bytes through the very parse and validate path of
 * POST /api/ingest, without the database.  Beyond the sanitizers, it checks
 * the contract's promise about what bad input may produce: a 400 or a 409
 * with an error class, never anything else, and a body that is JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/envelope.h"
#include "../../src/jsonparse.h"
#include "../../src/jsonwrite.h"
#include "../../src/measurement_id.h"
#include "../../src/strbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits, so that inputs of a fuzzer's size reach them. */
	static const struct envelope_limits limits = { 64, 256 };
	struct envelope env;
	struct api_error err, werr;
	struct strbuf json = { 0 };
	struct jw jw;
	struct jp jp;
	char *body;
	size_t i;

	if ((body = malloc(size + 1)) == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	api_error_clear(&err);
	if (envelope_parse(&env, body, size, &limits, &err) == 0 &&
	    envelope_validate(&env, &err) == 0) {
		/* Accepted: every record is whole and hashed as it says. */
		for (i = 0; i < env.nrecords; i++)
			if (env.records[i]->measurement_id != measurement_id(
			    env.records[i]->kind, env.records[i]->values))
				abort();
	} else {
		if (err.class == NULL || (err.status != 400 && err.status != 409))
			abort();
		jw_init(&jw, jw_sink_strbuf, &json, &werr);
		api_error_write(&jw, &err);
		if (jw_finish(&jw) == -1)
			abort();
		/* JSON, UTF-8 included, as strictly as an envelope is read. */
		jp_init(&jp, json.data, json.len);
		if (jp_peek(&jp) != JP_OBJECT ||
		    jp_skip(&jp, JP_SKIP_DEPTH_MAX) == -1 || jp_end(&jp) == -1)
			abort();
		sb_free(&json);
	}
	envelope_free(&env);
	free(body);
	return 0;
}
