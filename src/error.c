#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "error.h"

void
api_error_clear(struct api_error *e)
{
	e->status = 0;
	e->class = NULL;
	e->record_index = -1;
	e->got = 0;
	e->retry_after = 0;
	e->message[0] = '\0';
}

void
api_error_set(struct api_error *e, int status, const char *class,
    const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->class = class;
	e->record_index = -1;
	e->retry_after = 0;
	if (fmt == NULL) {
		e->message[0] = '\0';
		return;
	}
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

/*
 * The body for an error response, members in the order the contract shows
 * them.  Internal errors never carry their message: it is for the log.
 */
char *
api_error_json(const struct api_error *e)
{
	struct json_object *o;
	char *out;
	int internal = e->status >= 500;

	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(e->class));
	if (e->record_index >= 0)
		json_object_object_add(o, "record_index",
		    json_object_new_int64(e->record_index));
	if (strcmp(e->class, "schema_version_too_new") == 0) {
		json_object_object_add(o, "expected", json_object_new_int(1));
		json_object_object_add(o, "got", json_object_new_int64(e->got));
	} else if (!internal && e->message[0] != '\0')
		json_object_object_add(o, "message",
		    json_object_new_string(e->message));
	out = strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}
