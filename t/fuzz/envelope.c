/*
 * Fuzz target: arbitrary bytes through the very parse and validate path of
 * POST /api/ingest, without the database.  Beyond the sanitizers, it checks
 * the contract's promise about what bad input may produce: a 400 or a 409
 * with an error class, never anything else, and a body that is JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "../../src/envelope.h"
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
	struct json_object *reply;
	struct strbuf json = { 0 };
	struct jw jw;
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
		reply = jw_finish(&jw) == 0 ? json_tokener_parse(json.data) :
		    NULL;
		if (reply == NULL)
			abort();
		json_object_put(reply);
		sb_free(&json);
	}
	envelope_free(&env);
	free(body);
	return 0;
}
