/* golden.c — golden files and output capture for unit tests (golden.h). */
#include "golden.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FILE *gold_open(gold_capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->buf, &c->len);
	if (!c->fp) {
		fprintf(stderr, "golden: open_memstream failed\n");
		abort();
	}
	return c->fp;
}

void gold_close(gold_capture *c)
{
	if (c->fp)
		fclose(c->fp);
	c->fp = NULL;
}

void gold_free(gold_capture *c)
{
	gold_close(c);
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
}

char *gold_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r < 4096)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	return (fclose(f) != 0 || w != len) ? -1 : 0;
}

int gold_check(const char *name, const char *data, size_t len)
{
	char path[512], actual[560];
	const char *upd = getenv("FO_UPDATE_GOLDEN");
	size_t glen = 0;
	char *gold;
	int rc = 0;

	snprintf(path, sizeof path, "tests/golden/%s", name);
	snprintf(actual, sizeof actual, "%s.actual", path);
	if (upd && !strcmp(upd, "1")) {
		if (write_file(path, data, len) < 0) {
			fprintf(stderr, "golden: cannot write %s\n", path);
			return -1;
		}
		remove(actual);
		return 0;
	}
	if (!(gold = gold_read(path, &glen))) {
		fprintf(stderr, "golden: cannot read %s (FO_UPDATE_GOLDEN=1 creates it)\n", path);
		write_file(actual, data, len);
		return -1;
	}
	if (glen != len || memcmp(gold, data, len)) {
		size_t i = 0, line = 1;
		while (i < len && i < glen && gold[i] == data[i])
			line += data[i++] == '\n';
		fprintf(stderr, "golden: %s differs at byte %zu (line %zu); actual output in %s\n"
				"golden: rerun with FO_UPDATE_GOLDEN=1 to accept it\n",
			path, i, line, actual);
		write_file(actual, data, len);
		rc = -1;
	} else {
		remove(actual);
	}
	free(gold);
	return rc;
}
