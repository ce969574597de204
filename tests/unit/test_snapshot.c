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
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "graphs/fo_sha256.h"
#include "graphs/fo_snapshot.h"
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

/* A fresh copy of a stored quickstart, then `damage` applied to it. */
static const char *damaged_db(const char *name, const char *damage)
{
	const char *db = tmp(name);
	rm_db(db);
	assert_int_equal(save(db, samples[0], "q", NULL), FO_OK);
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
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
