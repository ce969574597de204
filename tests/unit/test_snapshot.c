/* test_snapshot.c — SQLite snapshots (graphs/fo_snapshot.h) and SHA-256
 * (graphs/fo_sha256.h): round trips, labels, and the refusals that must
 * leave a database byte for byte as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "graphs/fo_sha256.h"
#include "generators/fo_gen.h"
#include "graphs/fo_snapshot.h"
#include "graphs/fo_xxh64.h"
#include "graphs/graph_blob.h"
#include "importers/fo_inventory.h"

static const char *const samples[] = {
	"samples/quickstart.xml", "samples/tencent-gz-2023.xml", "samples/fire-backups.xml",
};

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/fo-snap-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv("FALLOUT_BUSY_TIMEOUT_MS", "200", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp(const char *name)
{
	static char buf[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static void rm_db(const char *path)
{
	char p[160];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static fo_graph *load_xml(const char *path)
{
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, path, NULL, d), FO_OK);
	fo_diag_free(d);
	return g;
}

static int save(const char *db, const char *xml, const char *label, fo_diag *d)
{
	fo_graph *g = load_xml(xml);
	char hex[65];
	assert_int_equal(fo_sha256_file(hex, xml, NULL), FO_OK);
	int err = fo_snapshot_save(NULL, db, g, label, xml, hex, d);
	fo_graph_free(g);
	return err;
}

static void sha(const char *path, char hex[65])
{
	assert_int_equal(fo_sha256_file(hex, path, NULL), FO_OK);
}

/* The first error message on d contains `what`. */
static void said(fo_diag *d, const char *what)
{
	assert_true(fo_diag_errors(d) > 0);
	const fo_diag_entry *e = fo_diag_get(d, 0);
	if (!strstr(e->msg, what))
		fail_msg("expected '%s' in: %s", what, e->msg);
	assert_int_equal(e->line, 0);
}

/* ------------------------------------------------------------------ sha256 */

static void sha256_vectors(void **state)
{
	(void)state;
	fo_sha256_ctx c;
	char hex[65];
	static const char *msg448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	fo_sha256_init(&c);
	fo_sha256_update(&c, "abc", 3);
	fo_sha256_final(&c, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	fo_sha256_init(&c);
	fo_sha256_final(&c, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	fo_sha256_init(&c);
	fo_sha256_update(&c, msg448, strlen(msg448));
	fo_sha256_final(&c, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a', fed in uneven pieces to exercise the partial block. */
	char chunk[1024];
	memset(chunk, 'a', sizeof chunk);
	fo_sha256_init(&c);
	size_t left = 1000000;
	for (size_t piece = 1; left; piece = piece % 997 + 13) {
		size_t n = piece < left ? piece : left;
		fo_sha256_update(&c, chunk, n);
		left -= n;
	}
	fo_sha256_final(&c, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* A file: same digest as the bytes. */
	FILE *fp = fopen(tmp("abc.txt"), "w");
	assert_non_null(fp);
	fputs("abc", fp);
	fclose(fp);
	sha(tmp("abc.txt"), hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(fo_sha256_file(hex, tmp("no-such-file"), NULL), FO_EIO);
}

/* -------------------------------------------------------------- round trip */

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void same_graph(const fo_graph *a, const fo_graph *b)
{
	uint32_t n = fo_graph_node_count(a);
	assert_int_equal(n, fo_graph_node_count(b));
	assert_int_equal(fo_graph_group_count(a), fo_graph_group_count(b));
	assert_int_equal(fo_graph_member_count(a), fo_graph_member_count(b));
	same_str(fo_graph_name(a), fo_graph_name(b));
	for (uint32_t v = 0; v < n; v++) {
		assert_string_equal(fo_graph_node_id(a, v), fo_graph_node_id(b, v));
		same_str(fo_graph_node_name(a, v), fo_graph_node_name(b, v));
		assert_string_equal(fo_graph_node_kind_word(a, v), fo_graph_node_kind_word(b, v));
		assert_int_equal(fo_graph_node_kind(a, v), fo_graph_node_kind(b, v));
		same_str(fo_graph_node_tenant(a, v), fo_graph_node_tenant(b, v));
		assert_int_equal(fo_graph_node_tier(a, v), fo_graph_node_tier(b, v));
		assert_int_equal(fo_graph_node_container(a, v), fo_graph_node_container(b, v));
		assert_int_equal(fo_graph_node_line(a, v), fo_graph_node_line(b, v));
		const fo_prop *pa, *pb;
		size_t na = fo_graph_node_props(a, v, &pa), nb = fo_graph_node_props(b, v, &pb);
		assert_int_equal(na, nb);
		for (size_t i = 0; i < na; i++) {
			assert_string_equal(pa[i].key, pb[i].key);
			assert_string_equal(pa[i].value, pb[i].value);
		}
		uint32_t fa, ca, fb, cb;
		fo_graph_node_groups(a, v, &fa, &ca);
		fo_graph_node_groups(b, v, &fb, &cb);
		assert_int_equal(fa, fb);
		assert_int_equal(ca, cb);
	}
	for (uint32_t i = 0; i < fo_graph_group_count(a); i++) {
		fo_group_info ga, gb;
		fo_graph_group(a, i, &ga);
		fo_graph_group(b, i, &gb);
		assert_int_equal(ga.owner, gb.owner);
		assert_int_equal(ga.type, gb.type);
		assert_int_equal(ga.k, gb.k);
		assert_int_equal(ga.n, gb.n);
		assert_int_equal(ga.line, gb.line);
		assert_memory_equal(ga.members, gb.members, ga.n * sizeof *ga.members);
	}
}

/* Every single-node failure and destruction gives identical results. */
static void same_engine(const fo_graph *a, const fo_graph *b)
{
	fo_engine *ea = NULL, *eb = NULL;
	uint32_t n = fo_graph_node_count(a);
	assert_int_equal(fo_engine_new(&ea, a), FO_OK);
	assert_int_equal(fo_engine_new(&eb, b), FO_OK);
	for (uint32_t v = 0; v < 2 * n; v++) {
		uint32_t x = v % n;
		fo_scenario sc = { v < n ? &x : NULL, v < n, v >= n ? &x : NULL, v >= n };
		assert_int_equal(fo_engine_run(ea, &sc), FO_OK);
		assert_int_equal(fo_engine_run(eb, &sc), FO_OK);
		for (uint32_t w = 0; w < n; w++) {
			assert_int_equal(fo_engine_state(ea, w), fo_engine_state(eb, w));
			assert_int_equal(fo_engine_flags(ea, w), fo_engine_flags(eb, w));
			assert_int_equal(fo_engine_cause(ea, w), fo_engine_cause(eb, w));
			assert_int_equal(fo_engine_cause_group(ea, w), fo_engine_cause_group(eb, w));
			assert_int_equal(fo_engine_root(ea, w), fo_engine_root(eb, w));
		}
	}
	fo_engine_free(ea);
	fo_engine_free(eb);
}

static void round_trip_samples(void **state)
{
	(void)state;
	const char *db = tmp("rt.db");
	char label[8];
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		fo_graph *x = load_xml(samples[i]), *s = NULL;
		fo_diag *d = NULL;
		char *used = NULL, hex[65];
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		snprintf(label, sizeof label, "s%zu", i);
		sha(samples[i], hex);
		assert_int_equal(fo_snapshot_save(&used, db, x, label, samples[i], hex, d), FO_OK);
		assert_string_equal(used, label);
		free(used);
		assert_int_equal(fo_snapshot_load(&s, db, label, d), FO_OK);
		same_graph(x, s);
		same_engine(x, s);
		char file[64];
		snprintf(file, sizeof file, "%s@%s", db, label);
		assert_string_equal(fo_graph_file(s), file);
		assert_int_equal(fo_diag_errors(d), 0);
		fo_graph_free(s);
		fo_graph_free(x);
		fo_diag_free(d);
	}
	fo_snapshot_info *v = NULL;
	size_t nv = 0;
	assert_int_equal(fo_snapshot_list(&v, &nv, db, NULL), FO_OK);
	assert_int_equal(nv, 3);
	char hex[65];
	sha(samples[1], hex);
	assert_string_equal(v[1].label, "s1");
	assert_string_equal(v[1].source, samples[1]);
	assert_string_equal(v[1].sha256, hex);
	assert_int_equal(strlen(v[1].imported_at), 20);
	fo_graph *t = load_xml(samples[1]);
	assert_int_equal(v[1].nodes, fo_graph_node_count(t));
	same_str(v[1].inventory, fo_graph_name(t));
	fo_graph_free(t);
	fo_snapshot_list_free(v, nv);
	rm_db(db);
}

static void labels_newest_list_rm(void **state)
{
	(void)state;
	const char *db = tmp("labels.db");
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	char *used = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	/* Default label: the import time, ISO 8601 UTC with seconds. */
	fo_graph *x = load_xml(samples[0]);
	assert_int_equal(fo_snapshot_save(&used, db, x, NULL, samples[0], "", d), FO_OK);
	assert_int_equal(strlen(used), 20);
	assert_true(used[4] == '-' && used[10] == 'T' && used[19] == 'Z');
	free(used);
	fo_graph_free(x);
	assert_int_equal(save(db, samples[1], "before", d), FO_OK);
	assert_int_equal(save(db, samples[2], "after", d), FO_OK);
	/* A taken label is refused and nothing changes. */
	char h1[65], h2[65];
	sha(db, h1);
	assert_int_equal(save(db, samples[0], "before", d), FO_EINVAL);
	said(d, "taken");
	sha(db, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(save(db, samples[0], "a@b", NULL), FO_EINVAL);
	assert_int_equal(save(db, samples[0], "", NULL), FO_EINVAL);
	/* Newest = last imported. */
	assert_int_equal(fo_snapshot_load(&g, db, NULL, NULL), FO_OK);
	fo_graph *f = load_xml(samples[2]);
	same_graph(f, g);
	fo_graph_free(g);
	fo_graph_free(f);
	assert_int_equal(fo_snapshot_load(&g, db, "nope", NULL), FO_ENOTFOUND);
	assert_null(g);
	/* rm: cascades, and the newest moves back. */
	assert_int_equal(fo_snapshot_remove(db, "after", NULL), FO_OK);
	assert_int_equal(fo_snapshot_remove(db, "after", NULL), FO_ENOTFOUND);
	assert_int_equal(fo_snapshot_load(&g, db, NULL, NULL), FO_OK);
	f = load_xml(samples[1]);
	same_graph(f, g);
	fo_graph_free(g);
	fo_graph_free(f);
	fo_snapshot_info *v = NULL;
	size_t nv = 0;
	assert_int_equal(fo_snapshot_list(&v, &nv, db, NULL), FO_OK);
	assert_int_equal(nv, 2);
	assert_string_equal(v[1].label, "before");
	fo_snapshot_list_free(v, nv);
	/* Nothing of the removed snapshot is left in any table. */
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT (SELECT count(*) FROM nodes) + (SELECT count(*) FROM props)"
					       " + (SELECT count(*) FROM dep_groups) + (SELECT count(*) FROM members)"
					       " - (SELECT sum(n) FROM (SELECT count(*) AS n FROM nodes WHERE snapshot_id IN (SELECT id FROM snapshots)"
					       " UNION ALL SELECT count(*) FROM props WHERE snapshot_id IN (SELECT id FROM snapshots)"
					       " UNION ALL SELECT count(*) FROM dep_groups WHERE snapshot_id IN (SELECT id FROM snapshots)"
					       " UNION ALL SELECT count(*) FROM members WHERE snapshot_id IN (SELECT id FROM snapshots)))",
					       -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	/* Empty or missing databases. */
	assert_int_equal(fo_snapshot_load(&g, tmp("missing.db"), NULL, NULL), FO_EIO);
	assert_int_equal(access(tmp("missing.db"), F_OK), -1);
	fo_diag_free(d);
	rm_db(db);
}

/* ---------------------------------------------------- refusals, unchanged */

/* Every operation on db fails with `err` saying `what`, and the file's bytes
 * do not change. */
static void refused(const char *db, int err, const char *what)
{
	char before[65], after[65];
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	sha(db, before);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(save(db, samples[0], "x", d), err);
	said(d, what);
	assert_string_equal(fo_diag_get(d, 0)->file, db);
	fo_diag_free(d);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_remove(db, "x", d), err);
	said(d, what);
	fo_diag_free(d);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int lerr = fo_snapshot_load(&g, db, NULL, d);
	assert_true(lerr == err || (err == FO_EINPUT && lerr == FO_EINPUT));
	assert_null(g);
	fo_diag_free(d);
	sha(db, after);
	assert_string_equal(before, after);
}

static void not_sqlite(void **state)
{
	(void)state;
	const char *db = tmp("text.db");
	FILE *fp = fopen(db, "w");
	assert_non_null(fp);
	fputs("<inventory/>\n", fp);
	fclose(fp);
	refused(db, FO_EINPUT, "not an SQLite database");
	assert_false(fo_snapshot_is_db(db));
}

static void not_fallout(void **state)
{
	(void)state;
	const char *db = tmp("foo.db");
	sqlite3 *s = NULL;
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "CREATE TABLE foo (x); INSERT INTO foo VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	assert_true(fo_snapshot_is_db(db));
	refused(db, FO_EINPUT, "not a fallout database");
}

static void corrupt(void **state)
{
	(void)state;
	const char *db = tmp("corrupt.db");
	char *label = NULL;
	assert_int_equal(save(db, samples[1], "good", NULL), FO_OK);
	/* Garbage over every page but the first (header and schema stay). */
	FILE *fp = fopen(db, "r+b");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	assert_true(size > 8192);
	fseek(fp, 4096, SEEK_SET);
	for (long i = 4096; i < size; i++)
		fputc((int)((i * 7919) & 0xff), fp);
	fclose(fp);
	refused(db, FO_EINPUT, "corrupt");
	/* Garbage in the header: SQLite says it is not a database. */
	const char *db2 = tmp("corrupt2.db");
	assert_int_equal(save(db2, samples[0], "good", NULL), FO_OK);
	fp = fopen(db2, "r+b");
	fseek(fp, 16, SEEK_SET);
	for (int i = 0; i < 84; i++)
		fputc(0xA5, fp);
	fclose(fp);
	refused(db2, FO_EINPUT, "corrupt");
	free(label);
}

static void newer_schema(void **state)
{
	(void)state;
	const char *db = tmp("newer.db");
	sqlite3 *s = NULL;
	assert_int_equal(save(db, samples[0], "old", NULL), FO_OK);
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "UPDATE schema_version SET version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	refused(db, FO_EINPUT, "newer than this fallout knows");
}

/* ------------------------------------------------------- damaged rows
 * Defect 6 of issue 8: what is read back is validated by type and range;
 * damage is FO_EINPUT "damaged: TABLE row KEY: ...", never FO_ENOMEM or
 * FO_EIO, never silently accepted. */

static void sql(const char *db, const char *text)
{
	sqlite3 *s = NULL;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	if (sqlite3_exec(s, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
	sqlite3_close(s);
}

/* Some error message on d contains `what`: that entry. */
static const fo_diag_entry *said_any(fo_diag *d, const char *what)
{
	for (size_t i = 0; i < fo_diag_count(d); i++)
		if (strstr(fo_diag_get(d, i)->msg, what))
			return fo_diag_get(d, i);
	fail_msg("expected '%s' in: %s", what, fo_diag_count(d) ? fo_diag_get(d, 0)->msg : "(nothing)");
	return NULL;
}

/* Loading (and, when `list`, listing) db fails with FO_EINPUT saying what. */
static void load_damaged(const char *db, int list, const char *what)
{
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	fo_snapshot_info *v = NULL;
	size_t n = 0;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_load(&g, db, NULL, d), FO_EINPUT);
	assert_null(g);
	assert_string_equal(said_any(d, what)->file, db);
	fo_diag_free(d);
	if (!list)
		return;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_list(&v, &n, db, d), FO_EINPUT);
	assert_null(v);
	said_any(d, what);
	fo_diag_free(d);
}

static void drop_compiled(const char *db);

/* A fresh copy of a stored quickstart, then `damage` applied to it. */
static const char *damaged_db(const char *name, const char *damage)
{
	const char *db = tmp(name);
	rm_db(db);
	assert_int_equal(save(db, samples[0], "q", NULL), FO_OK);
	/* The rows are under test: without a compiled copy, a load reads them
	 * (compiled_over_damaged_rows shows the other case). */
	drop_compiled(db);
	sql(db, damage);
	return db;
}

/* SQLite enforces NOT NULL on writes only: drop it from the stored schema
 * (writable_schema), as damage to the file would, then write the NULL. */
#define UNCHECK(table, from, to)                                                           \
	"PRAGMA writable_schema = 1; UPDATE sqlite_master SET sql = replace(sql, '" from "', '" \
	to "') WHERE name = '" table "';"

static void damaged_null_text(void **state)
{
	(void)state;
	const char *db = damaged_db("null-label.db", UNCHECK("snapshots", "label TEXT NOT NULL", "label TEXT"));
	sql(db, "UPDATE snapshots SET label = NULL");
	/* Was "out of memory" (FO_ENOMEM) for the list. */
	load_damaged(db, 1, "damaged: snapshots row 1: label is NULL");
	db = damaged_db("null-id.db", UNCHECK("nodes", "id TEXT NOT NULL", "id TEXT"));
	sql(db, "UPDATE nodes SET id = NULL WHERE idx = 3");
	load_damaged(db, 0, "damaged: nodes row (snapshot_id 1, idx 3): id is NULL");
	db = damaged_db("null-source.db", UNCHECK("snapshots", "source TEXT NOT NULL", "source TEXT"));
	sql(db, "UPDATE snapshots SET source = NULL");
	/* A load does not read the source; the list does. */
	fo_graph *g = NULL;
	fo_snapshot_info *v = NULL;
	size_t n = 0;
	fo_diag *d = NULL;
	assert_int_equal(fo_snapshot_load(&g, db, NULL, NULL), FO_OK);
	fo_graph_free(g);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_list(&v, &n, db, d), FO_EINPUT);
	said_any(d, "damaged: snapshots row 1: source is NULL");
	fo_diag_free(d);
}

static void damaged_types_and_ranges(void **state)
{
	(void)state;
	const char *db = damaged_db("tier.db", "UPDATE nodes SET tier = 'abc' WHERE idx = 2");
	load_damaged(db, 0, "damaged: nodes row (snapshot_id 1, idx 2): tier is not an integer");
	db = damaged_db("container.db", "UPDATE nodes SET container = 99 WHERE idx = 4");
	load_damaged(db, 0, "damaged: nodes row (snapshot_id 1, idx 4): container 99 is out of range");
	db = damaged_db("utf8.db", "UPDATE nodes SET kind = CAST(x'ff41' AS TEXT) WHERE idx = 1");
	load_damaged(db, 0, "damaged: nodes row (snapshot_id 1, idx 1): kind is not valid UTF-8 text");
	db = damaged_db("blob.db", "INSERT INTO props VALUES (1, 0, 0, 'k', x'41')");
	load_damaged(db, 0, "value is not text");
	db = damaged_db("count.db", "UPDATE snapshots SET nodes = 13");
	load_damaged(db, 0, "damaged: snapshots row 1: nodes is 13 but 12 nodes rows are stored");
	db = damaged_db("member.db", "PRAGMA foreign_keys = OFF; UPDATE members SET grp = 999 WHERE grp = 4");
	load_damaged(db, 0, "damaged: members row (snapshot_id 1, grp 999");
	db = damaged_db("type.db", "PRAGMA ignore_check_constraints = 1; UPDATE dep_groups SET type = 'x'");
	load_damaged(db, 0, "damaged: dep_groups row (snapshot_id 1, idx ");
}

static void damaged_schema(void **state)
{
	(void)state;
	/* Was FO_EIO: "cannot read the database: no such table". */
	const char *db = damaged_db("no-props.db", "DROP TABLE props");
	load_damaged(db, 1, "damaged: table props is missing");
	db = damaged_db("no-tenant.db", "ALTER TABLE nodes DROP COLUMN tenant");
	load_damaged(db, 0, "damaged: the schema: no such column: tenant");
	/* Was read as 1 (sqlite3_column_int) and accepted. */
	db = damaged_db("v-big.db", "UPDATE schema_version SET version = 4294967297");
	load_damaged(db, 1, "schema_version row 1: database schema version 4294967297, newer");
	/* Was taken as an empty database. */
	db = damaged_db("v-text.db", "UPDATE schema_version SET version = 'x'");
	load_damaged(db, 1, "damaged: schema_version row 1: version is not an integer");
	db = damaged_db("v-zero.db", "UPDATE schema_version SET version = 0");
	load_damaged(db, 1, "damaged: schema_version row 1: version 0 is not a schema version");
	db = damaged_db("v-none.db", "DELETE FROM schema_version");
	load_damaged(db, 1, "damaged: schema_version has no row");
	db = damaged_db("v-two.db", "INSERT INTO schema_version VALUES (3)");
	load_damaged(db, 1, "damaged: schema_version row 2: schema_version has more than one row");
}

/* ---------------------------------------------------- damaged stored runs
 * Defect 4 of issue 8: `db report` printed invalid JSON with status 0. A
 * damaged stored report is FO_EINPUT before any callback runs. */

static int count_cb_head(void *ctx, const fo_snapshot_report_info *info)
{
	(void)info;
	(*(int *)ctx)++;
	return 0;
}

static int count_cb_run(void *ctx, uint64_t seq, const char *scenario, const char *whatif, size_t len)
{
	(void)seq, (void)scenario, (void)whatif, (void)len;
	(*(int *)ctx)++;
	return 0;
}

/* A database with snapshot q and report 1 of two runs. */
static const char *report_db(const char *name)
{
	const char *db = tmp(name);
	fo_snapshot_report_writer *w = NULL;
	fo_snapshot_report_meta meta = { "title", "DB@q", "s.xml", NULL };
	rm_db(db);
	assert_int_equal(save(db, samples[0], "q", NULL), FO_OK);
	assert_int_equal(fo_snapshot_report_begin(&w, db, "q", &meta, NULL), FO_OK);
	assert_int_equal(fo_snapshot_report_run(w, "a", 1, 2, "{\"x\": 1}", 8), FO_OK);
	assert_int_equal(fo_snapshot_report_run(w, "b", 0, 1, "{\"y\": [2, 3]}", 13), FO_OK);
	assert_int_equal(fo_snapshot_report_commit(w, "{\"spof\": 1}", 11, NULL), FO_OK);
	return db;
}

/* Reading report 1 of db gives err; on FO_EINPUT nothing was handed over
 * and the message says what. */
static void read_report(const char *db, int err, const char *what)
{
	fo_snapshot_report_info *info = NULL, *v = NULL;
	char *spof = NULL;
	size_t len = 0, n = 0;
	int calls = 0;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_report_read(db, 1, count_cb_head, count_cb_run, &calls, &info, &spof,
						 &len, d), err);
	if (err == FO_OK) {
		assert_int_equal(calls, 3);
		assert_string_equal(spof, "{\"spof\": 1}");
	} else {
		assert_int_equal(calls, 0);
		assert_null(info);
		assert_null(spof);
		said_any(d, what);
	}
	free(spof);
	fo_snapshot_report_info_free(info, 1);
	fo_diag_free(d);
	/* The listing checks the report row too (not its runs). */
	if (what && strstr(what, "reports row") && !strstr(what, "runs rows")) {
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		assert_int_equal(fo_snapshot_reports(&v, &n, db, d), FO_EINPUT);
		said_any(d, what);
		fo_diag_free(d);
	}
}

static void damaged_report(void **state)
{
	(void)state;
	const char *db = report_db("rep.db");
	read_report(db, FO_OK, NULL);
	/* Invalid JSON in a run: was printed with status 0. */
	sql(db, "UPDATE runs SET whatif = substr(whatif, 1, 5) WHERE seq = 1");
	read_report(db, FO_EINPUT, "damaged: runs row (report_id 1, seq 1): its content does not match its digest");
	/* Still valid JSON, but not what was stored: only the digest can tell. */
	db = report_db("rep-digit.db");
	sql(db, "UPDATE runs SET whatif = '{\"y\": [2, 4]}' WHERE seq = 1");
	read_report(db, FO_EINPUT, "damaged: runs row (report_id 1, seq 1): its content does not match");
	db = report_db("rep-spof.db");
	sql(db, "UPDATE reports SET spof = '{\"spof\": 7}'");
	read_report(db, FO_EINPUT, "damaged: reports row 1: its content does not match its digest");
	db = report_db("rep-title.db");
	sql(db, "UPDATE reports SET title = CAST(x'c0af' AS TEXT)");
	read_report(db, FO_EINPUT, "damaged: reports row 1: title is not valid UTF-8 text");
	db = report_db("rep-seq.db");
	sql(db, "UPDATE runs SET seq = 5 WHERE seq = 1");
	read_report(db, FO_EINPUT, "damaged: runs row (report_id 1, seq 5): run 1 is missing");
	db = report_db("rep-count.db");
	sql(db, "DELETE FROM runs WHERE seq = 1");
	read_report(db, FO_EINPUT, "damaged: reports row 1: runs is 2 but 1 runs rows are stored");
	db = report_db("rep-orphan.db");
	sql(db, "PRAGMA foreign_keys = OFF; UPDATE reports SET snapshot_id = 42");
	read_report(db, FO_EINPUT, "damaged: reports row 1: snapshot_id names no snapshot");
	/* A sealed report whose run lost its digest. */
	db = report_db("rep-nodigest.db");
	sql(db, "UPDATE runs SET digest = NULL WHERE seq = 0");
	read_report(db, FO_EINPUT, "damaged: runs row (report_id 1, seq 0): digest is NULL");
	/* Rows stored before schema 3 have no digest: checked as JSON. */
	db = report_db("rep-legacy.db");
	sql(db, "UPDATE runs SET digest = NULL; UPDATE reports SET digest = NULL");
	read_report(db, FO_OK, NULL);
	sql(db, "UPDATE runs SET whatif = '{\"y\": [2, 3}' WHERE seq = 1");
	read_report(db, FO_EINPUT, "damaged: runs row (report_id 1, seq 1): whatif is not a JSON document");
	db = report_db("rep-legacy-spof.db");
	sql(db, "UPDATE runs SET digest = NULL; UPDATE reports SET digest = NULL, spof = '{\"spof\": 1'");
	read_report(db, FO_EINPUT, "damaged: reports row 1: spof is not a JSON document");
}

static void locked(void **state)
{
	(void)state;
	const char *db = tmp("locked.db");
	sqlite3 *s = NULL;
	char before[65], after[65];
	fo_diag *d = NULL;
	assert_int_equal(save(db, samples[0], "first", NULL), FO_OK);
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	sha(db, before);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(save(db, samples[1], "second", d), FO_EIO);
	said(d, "locked");
	fo_diag_free(d);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_remove(db, "first", d), FO_EIO);
	said(d, "locked");
	fo_diag_free(d);
	sha(db, after);
	assert_string_equal(before, after);
	assert_int_equal(sqlite3_exec(s, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	/* Released: the same import goes through. */
	assert_int_equal(save(db, samples[1], "second", NULL), FO_OK);
}

/* A read-only database file and directory. Root ignores permission bits, so
 * as root the attempt runs in a child that drops to uid/gid 65534 (nobody):
 * the kernel, not a test hook, refuses the write. */
static void read_only(void **state)
{
	(void)state;
	char sub[128], db[160], before[65], after[65];
	snprintf(sub, sizeof sub, "%s/ro", dir);
	snprintf(db, sizeof db, "%s/ro.db", sub);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(save(db, samples[0], "first", NULL), FO_OK);
	assert_int_equal(chmod(db, 0444), 0);
	assert_int_equal(chmod(sub, 0555), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	sha(db, before);
	/* The inventory is read before dropping privileges: uid 65534 may not
	 * reach the checkout (a clone in a 0700 temporary directory). */
	fo_graph *second = load_xml(samples[1]);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		fo_diag *d = NULL;
		if (fo_diag_new(&d, 0) < 0)
			_exit(11);
		int err = fo_snapshot_save(NULL, db, second, "second", samples[1], NULL, d);
		const fo_diag_entry *e = fo_diag_count(d) ? fo_diag_get(d, 0) : NULL;
		int ok = err == FO_EIO && e && strstr(e->msg, "read-only");
		if (!ok)
			fprintf(stderr, "read_only child: err %d, %s\n", err, e ? e->msg : "(no message)");
		/* Reading a read-only snapshot still works. */
		fo_graph *g = NULL;
		int lerr = fo_snapshot_load(&g, db, "first", NULL);
		if (lerr != FO_OK)
			fprintf(stderr, "read_only child: load gave %d\n", lerr);
		fo_graph_free(g);
		fo_diag_free(d);
		_exit(ok && lerr == FO_OK ? 0 : 12);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	fo_graph_free(second);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	sha(db, before);
	sha(db, after);
	assert_string_equal(before, after);
	chmod(sub, 0755);
	chmod(db, 0644);
	chmod(dir, 0700);
}

/* ------------------------------------------------------- compiled copy
 * Schema 4: a snapshot's graph image is stored beside its rows and read
 * back instead of rebuilding (docs/snapshots.md, "Compiled copy"). */

/* An inventory with properties, aliases, tenants, copies, degrades and
 * hostile text, so that every array of the image holds something. */
static const char *props_xml(void)
{
	const char *path = tmp("props.xml");
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("<inventory name=\"p &quot;q&quot; 华南\" version=\"1\">\n"
	      " <node id=\"r\" kind=\"region\" owner=\"ops\" cost=\"12\">\n"
	      "  <node id=\"h\\1\" kind=\"ec2\" name=\"主机 &lt;1&gt;\" rack=\"a\nb\"/>\n"
	      "  <node id=\"h2\" kind=\"gadget\" tenant=\"t1\" tier=\"2\"/>\n"
	      " </node>\n"
	      " <node id=\"s3b\" kind=\"s3\" tenant=\"t1\"/>\n"
	      " <node id=\"app\" kind=\"app\" tenant=\"t1\" tier=\"1\" x=\"y\">\n"
	      "  <requires min=\"1\"><ref id=\"h\\1\"/><ref id=\"h2\"/></requires>\n"
	      "  <degrades ref=\"s3b\"/>\n"
	      "  <copy ref=\"s3b\"/><copy ref=\"h2\"/>\n"
	      " </node>\n"
	      "</inventory>\n", fp);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Every accessor of fo_graph.h agrees over every node and group (the file
 * name aside: "DB@LABEL" or the XML's path). */
static void same_graph_full(const fo_graph *a, const fo_graph *b)
{
	uint32_t n = fo_graph_node_count(a), v2;
	fo_graph_view va, vb;
	same_graph(a, b);
	for (uint32_t v = 0; v < n; v++) {
		const uint32_t *la, *lb;
		size_t na, nb;
		assert_string_equal(fo_graph_node_label(a, v), fo_graph_node_label(b, v));
		na = fo_graph_node_memberof(a, v, &la);
		nb = fo_graph_node_memberof(b, v, &lb);
		assert_int_equal(na, nb);
		assert_memory_equal(la, lb, na * sizeof *la);
		na = fo_graph_node_children(a, v, &la);
		nb = fo_graph_node_children(b, v, &lb);
		assert_int_equal(na, nb);
		assert_memory_equal(la, lb, na * sizeof *la);
		int fa = fo_graph_lookup(a, fo_graph_node_id(a, v), &v2);
		uint32_t w2 = FO_NONE;
		assert_int_equal(fa, fo_graph_lookup(b, fo_graph_node_id(a, v), &w2));
		if (fa == FO_OK)
			assert_int_equal(v2, w2);
	}
	assert_int_equal(fo_graph_lookup(b, "no such id", &v2), FO_ENOTFOUND);
	fo_graph_view_get(a, &va);
	fo_graph_view_get(b, &vb);
	assert_int_equal(va.nodes, vb.nodes);
	assert_int_equal(va.groups, vb.groups);
	assert_memory_equal(va.owned_off, vb.owned_off, (n + 1) * 4);
	assert_memory_equal(va.memberof_off, vb.memberof_off, (n + 1) * 4);
	assert_memory_equal(va.child_off, vb.child_off, (n + 1) * 4);
	assert_memory_equal(va.container, vb.container, n * 4);
	assert_memory_equal(va.member_off, vb.member_off, (va.groups + 1) * 4);
	assert_memory_equal(va.group_type, vb.group_type, va.groups);
	assert_memory_equal(va.group_k, vb.group_k, va.groups * 4);
	assert_memory_equal(va.group_owner, vb.group_owner, va.groups * 4);
}

/* Removes every compiled copy: loads then read the rows. */
static void drop_compiled(const char *db)
{
	sql(db, "DELETE FROM compiled_parts; DELETE FROM compiled;");
}

/* Loads the newest snapshot of db: FO_OK, no error, `warnings` warnings;
 * with one, it is the compiled-copy warning, located at db, saying what. */
static fo_graph *load_ok(const char *db, size_t warnings, const char *what)
{
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_load(&g, db, NULL, d), FO_OK);
	assert_int_equal(fo_diag_errors(d), 0);
	assert_int_equal(fo_diag_warnings(d), warnings);
	if (warnings) {
		const fo_diag_entry *e = fo_diag_get(d, 0);
		assert_int_equal(e->sev, FO_SEV_WARNING);
		assert_string_equal(e->code, "compiled-copy");
		assert_string_equal(e->file, db);
		if (!strstr(e->msg, what) || !strstr(e->msg, "loaded from its rows"))
			fail_msg("expected '%s' in: %s", what, e->msg);
	}
	fo_diag_free(d);
	return g;
}

static long long count_rows(const char *db, const char *query)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	long long n;
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, query, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return n;
}

/* A load through the compiled copy and a load through the rows give the
 * same graph, and the XML's: the samples, an inventory with properties and
 * hostile text, and a generated inventory. */
static void compiled_equals_rows(void **state)
{
	(void)state;
	const char *inputs[8];
	char propspath[128], genpath[128]; /* tmp()'s buffers are reused */
	size_t ni = 0;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		inputs[ni++] = samples[i];
	snprintf(propspath, sizeof propspath, "%s", props_xml());
	inputs[ni++] = propspath;
	snprintf(genpath, sizeof genpath, "%s", tmp("gen.xml"));
	FILE *fp = fopen(genpath, "w");
	fo_gen_opts go = { 0 };
	go.nodes = 5000;
	go.seed = 7;
	assert_non_null(fp);
	assert_int_equal(fo_gen_write(fp, &go), FO_OK);
	assert_int_equal(fclose(fp), 0);
	inputs[ni++] = genpath;
	for (size_t i = 0; i < ni; i++) {
		const char *db = tmp("cr.db");
		rm_db(db);
		assert_int_equal(save(db, inputs[i], "c", NULL), FO_OK);
		assert_int_equal(count_rows(db, "SELECT count(*) FROM compiled"), 1);
		assert_true(count_rows(db, "SELECT count(*) FROM compiled_parts") > 1);
		fo_graph *x = load_xml(inputs[i]), *c = load_ok(db, 0, NULL);
		drop_compiled(db);
		fo_graph *r = load_ok(db, 0, NULL);
		same_graph_full(c, r);
		same_graph_full(x, c);
		assert_string_equal(fo_graph_file(c), fo_graph_file(r));
		if (fo_graph_node_count(x) < 200)
			same_engine(x, c);
		fo_graph_free(x);
		fo_graph_free(c);
		fo_graph_free(r);
		rm_db(db);
	}
}

/* The tencent sample stored, then its compiled copy damaged by the SQL
 * `damage`: a load warns saying `what` and gives the sample's graph from
 * the rows; the file is not changed. */
static void fallback(const char *damage, const char *what)
{
	const char *db = tmp("fb.db");
	char before[65], after[65];
	rm_db(db);
	assert_int_equal(save(db, samples[1], "t", NULL), FO_OK);
	sql(db, damage);
	sha(db, before);
	fo_graph *g = load_ok(db, 1, what), *x = load_xml(samples[1]);
	same_graph_full(x, g);
	fo_graph_free(g);
	fo_graph_free(x);
	sha(db, after);
	assert_string_equal(before, after);
	rm_db(db);
}

static void compiled_fallbacks(void **state)
{
	(void)state;
	fallback("UPDATE compiled_parts SET data = randomblob(length(data)) WHERE seq = 1",
		 "its checksum does not match");
	fallback("UPDATE compiled SET format = 99", "another format version");
	fallback("UPDATE compiled SET format = 'x'", "wrong type");
	fallback("UPDATE compiled SET layout = 'be u32 u8 slot8 hash0'", "another memory layout");
	fallback("UPDATE compiled SET checksum = 'abc'", "its checksum is malformed");
	fallback("UPDATE compiled_parts SET data = substr(data, 1, length(data) - 1)"
		 " WHERE seq = (SELECT max(seq) FROM compiled_parts)", "a part has the wrong size");
	fallback("DELETE FROM compiled_parts WHERE seq = (SELECT max(seq) FROM compiled_parts)",
		 "a part is missing");
	fallback("DELETE FROM compiled_parts WHERE seq = 3", "not numbered in order");
	fallback("UPDATE compiled_parts SET data = CAST(data AS TEXT) WHERE seq = 2", "not a blob");
	fallback("INSERT INTO compiled_parts (snapshot_id, seq, data) VALUES (1, 999, x'00')",
		 "more parts than its head");
	fallback("UPDATE compiled SET bytes = bytes + 1", "its size differs");
	fallback("UPDATE compiled_parts SET data = zeroblob(72) WHERE seq = 0",
		 "its counts differ from the snapshot's");
}

/* The parts of the compiled copy of db's only snapshot, as an attacker
 * would rewrite them: each array in one part (the test's inventories are
 * far below the 16 MiB a part holds). */
typedef struct image {
	size_t nparts;
	void *data[FO_GRAPH_BLOB_ARRAYS + 1];
	size_t len[FO_GRAPH_BLOB_ARRAYS + 1];
	int part_of[FO_GRAPH_BLOB_ARRAYS]; /* seq of each array, 0 = none (empty) */
} image;

static void image_read(const char *db, image *im)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t head[FO_GRAPH_BLOB_HEAD], sizes[FO_GRAPH_BLOB_ARRAYS];
	memset(im, 0, sizeof *im);
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT seq, data FROM compiled_parts ORDER BY seq", -1,
					    &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_int_equal(sqlite3_column_int64(st, 0), (long long)im->nparts);
		assert_true(im->nparts <= FO_GRAPH_BLOB_ARRAYS);
		im->len[im->nparts] = (size_t)sqlite3_column_bytes(st, 1);
		im->data[im->nparts] = malloc(im->len[im->nparts] + 1);
		assert_non_null(im->data[im->nparts]);
		memcpy(im->data[im->nparts], sqlite3_column_blob(st, 1), im->len[im->nparts]);
		im->nparts++;
	}
	sqlite3_finalize(st);
	sqlite3_close(s);
	assert_int_equal(im->len[0], sizeof head);
	memcpy(head, im->data[0], sizeof head);
	assert_int_equal(fo_graph_blob_sizes(head, sizes, NULL), FO_OK);
	for (int i = 0, seq = 1; i < FO_GRAPH_BLOB_ARRAYS; i++) {
		assert_true(sizes[i] < (16u << 20));
		if (sizes[i]) {
			assert_int_equal(im->len[seq], sizes[i]);
			im->part_of[i] = seq++;
		}
	}
}

/* Writes im back with a recomputed checksum: it passes the checksum. */
static void image_write(const char *db, image *im)
{
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t hashes[FO_GRAPH_BLOB_ARRAYS + 1];
	char hex[17];
	assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "UPDATE compiled_parts SET data = ? WHERE seq = ?", -1,
					    &st, NULL), SQLITE_OK);
	for (size_t k = 0; k < im->nparts; k++) {
		hashes[k] = fo_xxh64(im->data[k], im->len[k], k);
		sqlite3_bind_blob(st, 1, im->data[k], (int)im->len[k], SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)k);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	snprintf(hex, sizeof hex, "%016llx",
		 (unsigned long long)fo_xxh64(hashes, im->nparts * sizeof *hashes, 0));
	assert_int_equal(sqlite3_prepare_v2(s, "UPDATE compiled SET checksum = ?", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(s);
	for (size_t k = 0; k < im->nparts; k++)
		free(im->data[k]);
}

/* The uint32 at index i of array arr. */
static uint32_t *u32_at(image *im, int arr, size_t i)
{
	assert_true(im->part_of[arr] > 0);
	assert_true((i + 1) * 4 <= im->len[im->part_of[arr]]);
	return (uint32_t *)im->data[im->part_of[arr]] + i;
}

/* The props sample stored, then array `arr` changed at index i to v (a
 * uint32; a byte for the byte arrays) with the checksum recomputed: the
 * load refuses the copy saying `what` and gives the graph from the rows. */
static void hostile(int arr, size_t i, uint32_t v, const char *what)
{
	char db[128], xml[128]; /* tmp()'s buffers are reused */
	image im;
	snprintf(db, sizeof db, "%s", tmp("hostile.db"));
	snprintf(xml, sizeof xml, "%s", props_xml());
	rm_db(db);
	assert_int_equal(save(db, xml, "h", NULL), FO_OK);
	image_read(db, &im);
	if (arr == FO_BLOB_KIND || arr == FO_BLOB_GROUP_TYPE || arr == FO_BLOB_ARENA_A) {
		assert_true(i < im.len[im.part_of[arr]]);
		((unsigned char *)im.data[im.part_of[arr]])[i] = (unsigned char)v;
	} else {
		*u32_at(&im, arr, i) = v;
	}
	image_write(db, &im);
	fo_graph *g = load_ok(db, what ? 1 : 0, what), *x = load_xml(xml);
	same_graph_full(x, g);
	fo_graph_free(g);
	fo_graph_free(x);
	rm_db(db);
}

/* The prefault thread of a compiled load (graph_blob.h) never writes the
 * arrays' bytes: the caller's writes, made from the first part while the
 * thread works from the last, are all there after stop; a small image gets
 * no thread, and every call takes NULL. */
static void compiled_prefault(void **state)
{
	(void)state;
	enum { PARTS = 5 };
	const size_t sizes[PARTS] = { 3u << 20, 20u << 20, 1, 30u << 20, (17u << 20) + 5 };
	fo_graph_blob_part parts[PARTS];
	fo_blob_prefault *pf = (fo_blob_prefault *)1;

	for (int i = 0; i < PARTS; i++) {
		parts[i] = (fo_graph_blob_part){ malloc(sizes[i]), sizes[i] };
		assert_non_null(parts[i].p);
	}
	/* 3 MiB: not worth a thread */
	assert_int_equal(fo_graph_blob_prefault_start(&pf, parts, 1), 0);
	assert_null(pf);
	fo_graph_blob_prefault_reached(NULL, 3);
	fo_graph_blob_prefault_stop(NULL);
	/* 70 MiB: a thread, racing the writes below */
	assert_int_equal(fo_graph_blob_prefault_start(&pf, parts, PARTS), 1);
	assert_non_null(pf);
	for (int i = 0; i < PARTS; i++) {
		fo_graph_blob_prefault_reached(pf, i);
		unsigned char *p = parts[i].p;
		for (size_t j = 0; j < sizes[i]; j++)
			p[j] = (unsigned char)(j * 31 + (size_t)i);
	}
	fo_graph_blob_prefault_stop(pf);
	for (int i = 0; i < PARTS; i++) {
		const unsigned char *p = parts[i].p;
		size_t bad = 0;
		for (size_t j = 0; j < sizes[i]; j++)
			bad += p[j] != (unsigned char)(j * 31 + (size_t)i);
		assert_int_equal(bad, 0);
		free(parts[i].p);
	}
	/* stopped before the caller wrote anything: nothing written either */
	for (int i = 0; i < PARTS; i++) {
		parts[i].p = calloc(1, sizes[i]);
		assert_non_null(parts[i].p);
	}
	assert_int_equal(fo_graph_blob_prefault_start(&pf, parts, PARTS), 1);
	nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	fo_graph_blob_prefault_stop(pf);
	for (int i = 0; i < PARTS; i++) {
		const unsigned char *p = parts[i].p;
		size_t bad = 0;
		for (size_t j = 0; j < sizes[i]; j++)
			bad += p[j] != 0;
		assert_int_equal(bad, 0);
		free(parts[i].p);
	}
}

/* A blob that passes its checksum (recomputed: anyone can) is still
 * validated: every index, offset and CSR array, before it is used. */
static void compiled_hostile(void **state)
{
	(void)state;
	char db[128]; /* tmp()'s buffers are reused */
	image im;
	snprintf(db, sizeof db, "%s", tmp("hostile0.db"));
	/* The rewrite itself is sound: unchanged content loads, no warning. */
	rm_db(db);
	assert_int_equal(save(db, props_xml(), "h", NULL), FO_OK);
	image_read(db, &im);
	image_write(db, &im);
	fo_graph_free(load_ok(db, 0, NULL));
	rm_db(db);

	hostile(FO_BLOB_MEMBERS_A, 0, 6, "a group member is out of range");
	hostile(FO_BLOB_MEMBERS_A, 0, UINT32_MAX, "a group member is out of range");
	hostile(FO_BLOB_CONTAINER, 1, 77, "a node's container is out of range");
	hostile(FO_BLOB_CONTAINER, 0, 0, "the children offsets do not match the containers");
	hostile(FO_BLOB_ID_OFF, 2, 0x7fffffff, "a node's string is out of the arena");
	hostile(FO_BLOB_PROPS_A, 1, 0xfffffff0, "a property's string is out of the arena");
	hostile(FO_BLOB_PROP_OFF, 1, 9, "the property offsets are not monotone");
	hostile(FO_BLOB_OWNED_OFF, 1, 0xffffffff, "an offset array is not monotone");
	hostile(FO_BLOB_MEMBER_OFF, 1, 0, "k is not between 1 and its member count");
	hostile(FO_BLOB_MEMBEROF_OFF, 1, 0, "the member-of offsets do not match the groups");
	hostile(FO_BLOB_CHILD_OFF, 1, 0, "the children offsets do not match the containers");
	hostile(FO_BLOB_GROUP_OWNER, 0, 4, "a group's owner is not the node that owns it");
	hostile(FO_BLOB_GROUP_K, 0, 0, "a group's k is not between 1");
	hostile(FO_BLOB_GROUP_K, 0, 99, "a group's k is not between 1");
	hostile(FO_BLOB_GROUP_TYPE, 0, 9, "a group's type is out of range");
	hostile(FO_BLOB_KIND, 0, 200, "a node's kind is out of range");
	hostile(FO_BLOB_ARENA_A, 0, 'x', "the string arena does not start and end with a NUL");
	hostile(FO_BLOB_ARENA_A, 1, 0xff, "the string arena is not UTF-8");
	/* A containment cycle: r in h2, h2 in r; the children lists made to
	 * agree, so that only the cycle is wrong. */
	rm_db(db);
	assert_int_equal(save(db, props_xml(), "h", NULL), FO_OK);
	image_read(db, &im);
	{
		/* nodes: 0 r, 1 h\1 (in r), 2 h2 (in r), 3 s3b, 4 app */
		uint32_t *container = u32_at(&im, FO_BLOB_CONTAINER, 0);
		uint32_t *child_off = u32_at(&im, FO_BLOB_CHILD_OFF, 0);
		assert_int_equal(container[1], 0);
		assert_int_equal(container[2], 0);
		container[0] = 2;
		container[1] = FO_NONE;
		/* children: r has [h2], h2 has [r] */
		child_off[1] = 1; child_off[2] = 1; child_off[3] = 2;
		child_off[4] = 2; child_off[5] = 2;
	}
	image_write(db, &im);
	fo_graph *g = load_ok(db, 1, "the containment has a cycle"), *x = load_xml(props_xml());
	same_graph_full(x, g);
	fo_graph_free(g);
	fo_graph_free(x);
	/* An id slot naming no node. */
	rm_db(db);
	assert_int_equal(save(db, props_xml(), "h", NULL), FO_OK);
	image_read(db, &im);
	{
		size_t nslots = im.len[im.part_of[FO_BLOB_ID_SLOTS]] / 8, j = 0;
		while (j < nslots && *u32_at(&im, FO_BLOB_ID_SLOTS, 2 * j + 1) == FO_NONE)
			j++;
		assert_true(j < nslots);
		*u32_at(&im, FO_BLOB_ID_SLOTS, 2 * j + 1) = 5;
	}
	image_write(db, &im);
	g = load_ok(db, 1, "an id slot names no node");
	fo_graph_free(g);
	rm_db(db);
}

/* A schema-3 database keeps working: its snapshots load from their rows,
 * silently; the next write migrates it to 4 and stores a compiled copy of
 * the new snapshot only. */
static void compiled_from_v3(void **state)
{
	(void)state;
	const char *db = tmp("v3.db");
	rm_db(db);
	assert_int_equal(save(db, samples[1], "old", NULL), FO_OK);
	sql(db, "DROP TABLE compiled_parts; DROP TABLE compiled; UPDATE schema_version SET version = 3;");
	fo_graph *g = load_ok(db, 0, NULL), *x = load_xml(samples[1]);
	same_graph_full(x, g);
	fo_graph_free(g);
	assert_int_equal(count_rows(db, "SELECT version FROM schema_version"), 3);
	assert_int_equal(save(db, samples[0], "new", NULL), FO_OK);
	assert_int_equal(count_rows(db, "SELECT version FROM schema_version"), 4);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM compiled"), 1);
	assert_int_equal(count_rows(db, "SELECT snapshot_id FROM compiled"), 2);
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_snapshot_load(&g, db, "old", d), FO_OK);
	assert_int_equal(fo_diag_count(d), 0);
	same_graph_full(x, g);
	fo_graph_free(g);
	fo_diag_free(d);
	fo_graph_free(x);
	/* rm cascades to the compiled copy. */
	assert_int_equal(fo_snapshot_remove(db, "new", NULL), FO_OK);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM compiled"), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM compiled_parts"), 0);
	rm_db(db);
}

/* Damaged rows beside a sound compiled copy: the copy is what is loaded
 * (the rows are read only when there is no sound copy). */
static void compiled_over_damaged_rows(void **state)
{
	(void)state;
	const char *db = tmp("rows-bad.db");
	rm_db(db);
	assert_int_equal(save(db, samples[0], "q", NULL), FO_OK);
	sql(db, "UPDATE nodes SET tier = 'abc' WHERE idx = 2");
	fo_graph *g = load_ok(db, 0, NULL), *x = load_xml(samples[0]);
	same_graph_full(x, g);
	fo_graph_free(g);
	fo_graph_free(x);
	drop_compiled(db);
	load_damaged(db, 0, "damaged: nodes row (snapshot_id 1, idx 2): tier is not an integer");
	rm_db(db);
}

static void xxh64_vectors(void **state)
{
	(void)state;
	static const char *nobody = "Nobody inspects the spammish repetition";
	char buf[64];
	assert_true(fo_xxh64("", 0, 0) == 0xEF46DB3751D8E999ull);
	assert_true(fo_xxh64(NULL, 0, 0) == 0xEF46DB3751D8E999ull);
	assert_true(fo_xxh64("a", 1, 0) == 0xD24EC4F1A98C6E5Bull);
	assert_true(fo_xxh64("abc", 3, 0) == 0x44BC2CF5AD770999ull);
	assert_true(fo_xxh64(nobody, strlen(nobody), 0) == 0xFBCEA83C8A378BF1ull);
	/* Any alignment gives the same value; the seed matters. */
	memcpy(buf + 3, nobody, strlen(nobody));
	assert_true(fo_xxh64(buf + 3, strlen(nobody), 0) == 0xFBCEA83C8A378BF1ull);
	assert_true(fo_xxh64("abc", 3, 1) != fo_xxh64("abc", 3, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_vectors),
		cmocka_unit_test(round_trip_samples),
		cmocka_unit_test(labels_newest_list_rm),
		cmocka_unit_test(not_sqlite),
		cmocka_unit_test(not_fallout),
		cmocka_unit_test(corrupt),
		cmocka_unit_test(newer_schema),
		cmocka_unit_test(damaged_null_text),
		cmocka_unit_test(damaged_types_and_ranges),
		cmocka_unit_test(damaged_schema),
		cmocka_unit_test(damaged_report),
		cmocka_unit_test(locked),
		cmocka_unit_test(read_only),
		cmocka_unit_test(xxh64_vectors),
		cmocka_unit_test(compiled_equals_rows),
		cmocka_unit_test(compiled_fallbacks),
		cmocka_unit_test(compiled_hostile),
		cmocka_unit_test(compiled_prefault),
		cmocka_unit_test(compiled_from_v3),
		cmocka_unit_test(compiled_over_damaged_rows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
