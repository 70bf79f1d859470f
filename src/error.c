/* The request path's error: set once where it happens, written as JSON once. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "jsonwrite.h"

/* Sized by its initializer: a count unlike the header's does not compile. */
const char *const api_error_classes[] = {
	"bad_request", "malformed", "record", "schema_version_too_new",
	"unauthorized", "not_found", "method_not_allowed", "payload_too_large",
	"unsupported_media_type", "internal", "not_configured", "unavailable"
};

int
api_error_class_index(const char *class)
{
	int i;

	for (i = 0; i < API_ERROR_CLASS_COUNT; i++)
		if (strcmp(api_error_classes[i], class) == 0)
			return i;
	return -1;
}

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

int
api_error_oom(struct api_error *e)
{
	api_error_set(e, 500, "internal", "out of memory");
	return -1;
}

int
api_error_write(struct jw *jw, const struct api_error *e)
{
	jw_object(jw);
	jw_key(jw, "error");
	jw_string(jw, e->class);
	if (e->record_index >= 0) {
		jw_key(jw, "record_index");
		jw_int(jw, e->record_index);
	}
	if (strcmp(e->class, "schema_version_too_new") == 0) {
		jw_key(jw, "expected");
		jw_int(jw, 1);
		jw_key(jw, "got");
		jw_int(jw, e->got);
	} else if (e->status < 500 && e->message[0] != '\0') {
		jw_key(jw, "message");
		jw_string(jw, e->message);
	}
	return jw_object_end(jw);
}
