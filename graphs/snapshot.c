/*
 * snapshot.c — the SQLite snapshot store (fo_snapshot.h, docs/snapshots.md).
 *
 * Schema (version 4; later versions are appended to `migrations`, each step
 * applied in its own transaction, never edited once released):
 *   schema_version(version)                 one row
 *   snapshots(id, label UNIQUE, source, sha256, imported_at, inventory,
 *             nodes, groups, members)        counts are checked on load
 *   nodes(snapshot_id, idx, id, kind, name, tenant, tier, container, line)
 *   props(snapshot_id, node, position, key, value)
 *   dep_groups(snapshot_id, idx, owner, type, k, line)   explicit + copies
 *   members(snapshot_id, grp, position, node)
 * and since version 2 the stored runs of `fallout report`:
 *   reports(id, snapshot_id, created_at, title, input, scenarios_file,
 *           scenarios_sha256, runs, spof)      spof: the spof JSON document
 *   runs(report_id, seq, scenario, apps_down, nodes_down, whatif)
 *                                              whatif: the whatif JSON
 * and since version 3 reports.digest and runs.digest: the sha256 of what
 * `db report` prints (NULL in rows stored before; those are checked as JSON);
 * and since version 4 the compiled copy of each snapshot (graph_blob.h):
 *   compiled(snapshot_id, format, layout, bytes, parts, checksum)
 *                           format: FO_GRAPH_BLOB_FORMAT; layout: the build's
 *                           fo_graph_blob_layout; checksum: XXH64 of the
 *                           parts' XXH64s, 16 hex digits
 *   compiled_parts(snapshot_id, seq, data)   part 0 the head, then each
 *                           array in parts of at most COMPILED_CHUNK bytes
 * written by import in its transaction, read by a load instead of the rows
 * when sound (format, layout, sizes, checksum, then fo_graph_blob_seal's
 * validation); a copy that is not is never used: a "compiled-copy" warning,
 * and the load reads the rows. Snapshots stored before version 4 have none.
 * Located groups are not stored: they follow from nodes.container, and the
 * builder recreates them. Group idx is the graph's group index (with gaps
 * where located groups were), so stored rows can be read against causes.
 * Every child row cascades from its snapshot; foreign-key columns that are
 * not a primary-key prefix are indexed so that a delete stays linear.
 *
 * Opening checks, before anything is written: the file's header, the
 * tables, the schema version and (for writers) PRAGMA quick_check. Only then
 * is the journal switched to WAL (new databases) and the schema migrated.
 * Every SQL statement is a constant; values are bound (sqlite3_bind_*).
 * Every value read back is checked by type and range (get_text, get_int,
 * get_u32): damage is FO_EINPUT "damaged: TABLE row KEY: ...".
 */
#include "fo_snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fo_error.h"
#include "fo_sha256.h"
#include "fo_xxh64.h"
#include "graph_blob.h"

static const char *const migrations[FO_SNAPSHOT_SCHEMA] = {
	/* 1 */
	"CREATE TABLE schema_version (version INTEGER NOT NULL);"
	"CREATE TABLE snapshots ("
	" id INTEGER PRIMARY KEY,"
	" label TEXT NOT NULL UNIQUE,"
	" source TEXT NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" imported_at TEXT NOT NULL,"
	" inventory TEXT,"
	" nodes INTEGER NOT NULL,"
	" groups INTEGER NOT NULL,"
	" members INTEGER NOT NULL);"
	"CREATE TABLE nodes ("
	" snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" id TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" name TEXT,"
	" tenant TEXT,"
	" tier INTEGER NOT NULL,"
	" container INTEGER,"
	" line INTEGER NOT NULL,"
	" PRIMARY KEY (snapshot_id, idx)) WITHOUT ROWID;"
	"CREATE TABLE props ("
	" snapshot_id INTEGER NOT NULL,"
	" node INTEGER NOT NULL,"
	" position INTEGER NOT NULL,"
	" key TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (snapshot_id, node, position),"
	" FOREIGN KEY (snapshot_id, node) REFERENCES nodes(snapshot_id, idx) ON DELETE CASCADE)"
	" WITHOUT ROWID;"
	"CREATE TABLE dep_groups ("
	" snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" owner INTEGER NOT NULL,"
	" type TEXT NOT NULL CHECK (type IN ('requires', 'degrades', 'copies')),"
	" k INTEGER NOT NULL,"
	" line INTEGER NOT NULL,"
	" PRIMARY KEY (snapshot_id, idx),"
	" FOREIGN KEY (snapshot_id, owner) REFERENCES nodes(snapshot_id, idx) ON DELETE CASCADE)"
	" WITHOUT ROWID;"
	"CREATE INDEX dep_groups_owner ON dep_groups(snapshot_id, owner);"
	"CREATE TABLE members ("
	" snapshot_id INTEGER NOT NULL,"
	" grp INTEGER NOT NULL,"
	" position INTEGER NOT NULL,"
	" node INTEGER NOT NULL,"
	" PRIMARY KEY (snapshot_id, grp, position),"
	" FOREIGN KEY (snapshot_id, grp) REFERENCES dep_groups(snapshot_id, idx) ON DELETE CASCADE,"
	" FOREIGN KEY (snapshot_id, node) REFERENCES nodes(snapshot_id, idx) ON DELETE CASCADE)"
	" WITHOUT ROWID;"
	"CREATE INDEX members_node ON members(snapshot_id, node);"
	"INSERT INTO schema_version (version) VALUES (0);",
	/* 2: the scenario runs of `fallout report` on a snapshot */
	"CREATE TABLE reports ("
	" id INTEGER PRIMARY KEY,"
	" snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,"
	" created_at TEXT NOT NULL,"
	" title TEXT,"
	" input TEXT NOT NULL,"
	" scenarios_file TEXT NOT NULL,"
	" scenarios_sha256 TEXT NOT NULL,"
	" runs INTEGER NOT NULL,"
	" spof TEXT);"
	"CREATE INDEX reports_snapshot ON reports(snapshot_id);"
	"CREATE TABLE runs ("
	" report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" scenario TEXT NOT NULL,"
	" apps_down INTEGER NOT NULL,"
	" nodes_down INTEGER NOT NULL,"
	" whatif TEXT NOT NULL,"
	" PRIMARY KEY (report_id, seq)) WITHOUT ROWID;",
	/* 3: checksums of the stored report texts (NULL in rows stored before);
	 * one string of two statements (parenthesised for clang's warning) */
	("ALTER TABLE reports ADD COLUMN digest TEXT;"
	 "ALTER TABLE runs ADD COLUMN digest TEXT;"),
	/* 4: the compiled copy of each snapshot (graph_blob.h): one row of
	 * identity and checksum, and the image in parts of at most
	 * COMPILED_CHUNK bytes, read with sqlite3_blob_read (rowid tables:
	 * incremental blob I/O needs a rowid) */
	"CREATE TABLE compiled ("
	" snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,"
	" format INTEGER NOT NULL,"
	" layout TEXT NOT NULL,"
	" bytes INTEGER NOT NULL,"
	" parts INTEGER NOT NULL,"
	" checksum TEXT NOT NULL);"
	"CREATE TABLE compiled_parts ("
	" snapshot_id INTEGER NOT NULL REFERENCES compiled(snapshot_id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" data BLOB NOT NULL,"
	" PRIMARY KEY (snapshot_id, seq));",
};

static const char sqlite_magic[16] = "SQLite format 3";

/* ------------------------------------------------------------- plumbing */

typedef struct store {
	sqlite3 *db;
	const char *path;
	fo_diag *diag;
	int version; /* schema version found (0 = empty database) */
	int txn;     /* a transaction is open */
} store;

/* Maps an SQLite result code to an fo_error code. */
static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: return FO_OK;
	case SQLITE_NOMEM: return FO_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
	case SQLITE_SCHEMA:
	case SQLITE_MISMATCH:
	case SQLITE_CONSTRAINT: return FO_EINPUT;
	default: return FO_EIO; /* BUSY, LOCKED, READONLY, CANTOPEN, IOERR, FULL, PERM... */
	}
}

/* Reports an SQLite failure of `what` on the diag and returns its code. */
static int sql_fail(store *s, int rc, const char *what)
{
	int err = map_rc(rc);
	const char *why = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		why = "the database is locked by another process (waited for the busy timeout)";
	else if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		why = "the database is corrupt (or not an SQLite database); it was not modified";
	else if ((rc & 0xff) == SQLITE_READONLY)
		why = "the database or its directory is read-only";
	/* SQLite's "disk I/O error" hides the cause (a full disk while WAL maps
	 * its -shm file, say): the system's errno names it. */
	int sys = s->db && ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL ||
			    (rc & 0xff) == SQLITE_CANTOPEN)
			  ? sqlite3_system_errno(s->db) : 0;
	if (s->diag && sys)
		fo_diag_add_code(s->diag, FO_SEV_ERROR, "snapshot", s->path, 0, 0, NULL, "%s: %s (%s)", what,
			    why, strerror(sys));
	else if (s->diag)
		fo_diag_add_code(s->diag, FO_SEV_ERROR, "snapshot", s->path, 0, 0, NULL, "%s: %s", what, why);
	return err;
}

static int say(store *s, int err, const char *fmt, const char *arg)
{
	if (s->diag)
		fo_diag_add_code(s->diag, FO_SEV_ERROR, "snapshot", s->path, 0, 0, NULL, fmt, arg);
	return err;
}

/* Every SQL text is a constant that matches the schema: when SQLite cannot
 * prepare one (no such table, no such column), the database's schema was
 * damaged, which is invalid input (status 3), not an I/O error. */
static int prepare(store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	if (rc == SQLITE_OK)
		return FO_OK;
	if ((rc & 0xff) == SQLITE_ERROR) {
		if (s->diag)
			fo_diag_add_code(s->diag, FO_SEV_ERROR, "snapshot", s->path, 0, 0, NULL,
				    "damaged: the schema: %s", sqlite3_errmsg(s->db));
		return FO_EINPUT;
	}
	return sql_fail(s, rc, "cannot read the database");
}

/* ------------------------------------------------ validating what is read
 * Nothing read back is trusted: a damaged file (a flipped bit, a hand edit)
 * can hold any type in any column, since SQLite's NOT NULL and CHECK are
 * only enforced on writes. Every value is checked by type and range, and a
 * violation is FO_EINPUT with "damaged: TABLE row KEY: what is wrong". */

/* A row being read: the first nkey columns of st are its key. */
typedef struct row {
	store *s;
	sqlite3_stmt *st;
	const char *table;
	int nkey;
} row;

/* Reports row r as damaged; fmt says what is wrong. Returns FO_EINPUT. */
static int row_damaged(const row *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int row_damaged(const row *r, const char *fmt, ...)
{
	char key[160] = "", what[256];
	size_t used = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	for (int i = 0; i < r->nkey && used < sizeof key; i++) {
		sqlite3_value *v = sqlite3_column_value(r->st, i);
		char val[48];
		if (sqlite3_value_type(v) == SQLITE_INTEGER)
			snprintf(val, sizeof val, "%lld", (long long)sqlite3_value_int64(v));
		else if (sqlite3_value_type(v) == SQLITE_NULL)
			snprintf(val, sizeof val, "NULL");
		else
			snprintf(val, sizeof val, "'%.32s'", (const char *)sqlite3_value_text(v));
		if (r->nkey == 1)
			used += (size_t)snprintf(key + used, sizeof key - used, "%s", val);
		else
			used += (size_t)snprintf(key + used, sizeof key - used, "%s%s %s",
						 i ? ", " : "(", sqlite3_column_name(r->st, i), val);
	}
	if (r->nkey > 1 && used < sizeof key)
		snprintf(key + used, sizeof key - used, ")");
	if (r->s->diag)
		fo_diag_add_code(r->s->diag, FO_SEV_ERROR, "snapshot", r->s->path, 0, 0, NULL, "damaged: %s row %s: %s",
			    r->table, key, what);
	return FO_EINPUT;
}

/* Text column col of r: *out the text (borrowed until the next step), *len
 * its length (may be NULL). NULL is accepted only when nullable (then *out
 * is NULL); anything but valid UTF-8 text without NUL bytes is damage. */
static int get_text(const row *r, int col, int nullable, const char **out, size_t *len)
{
	sqlite3_value *v = sqlite3_column_value(r->st, col);
	int t = sqlite3_value_type(v);
	*out = NULL;
	if (len)
		*len = 0;
	if (t == SQLITE_NULL)
		return nullable ? FO_OK : row_damaged(r, "%s is NULL", sqlite3_column_name(r->st, col));
	if (t != SQLITE_TEXT)
		return row_damaged(r, "%s is not text", sqlite3_column_name(r->st, col));
	const unsigned char *p = sqlite3_value_text(v);
	if (!p)
		return FO_ENOMEM; /* a TEXT value of a UTF-8 database needs no conversion */
	size_t n = (size_t)sqlite3_value_bytes(v);
	if (memchr(p, 0, n) || !fo_graph_blob_utf8_ok(p, n))
		return row_damaged(r, "%s is not valid UTF-8 text", sqlite3_column_name(r->st, col));
	*out = (const char *)p;
	if (len)
		*len = n;
	return FO_OK;
}

/* Integer column col of r in [lo, hi]. */
static int get_int(const row *r, int col, sqlite3_int64 lo, sqlite3_int64 hi, sqlite3_int64 *out)
{
	sqlite3_value *v = sqlite3_column_value(r->st, col);
	if (sqlite3_value_type(v) != SQLITE_INTEGER)
		return row_damaged(r, "%s is not an integer", sqlite3_column_name(r->st, col));
	sqlite3_int64 x = sqlite3_value_int64(v);
	if (x < lo || x > hi)
		return row_damaged(r, "%s %lld is out of range [%lld, %lld]",
				   sqlite3_column_name(r->st, col), (long long)x, (long long)lo,
				   (long long)hi);
	*out = x;
	return FO_OK;
}

/* Integer column col of r in [0, limit): the hot path of a load (one column
 * fetch: type and value from the same sqlite3_value). */
static int get_u32(const row *r, int col, uint32_t limit, uint32_t *out)
{
	sqlite3_value *v = sqlite3_column_value(r->st, col);
	if (sqlite3_value_type(v) == SQLITE_INTEGER) {
		sqlite3_int64 x = sqlite3_value_int64(v);
		if (x >= 0 && x < (sqlite3_int64)limit) {
			*out = (uint32_t)x;
			return FO_OK;
		}
	}
	sqlite3_int64 dummy;
	return get_int(r, col, 0, (sqlite3_int64)limit - 1, &dummy);
}

static int exec(store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? FO_OK : sql_fail(s, rc, what);
}

static int busy_timeout_ms(void)
{
	const char *e = getenv("FALLOUT_BUSY_TIMEOUT_MS");
	char *end;
	long v;
	if (!e || !*e)
		return 5000;
	errno = 0;
	v = strtol(e, &end, 10);
	if (*end || errno || v < 0 || v > 3600000)
		return 5000;
	return (int)v;
}

int fo_snapshot_is_db(const char *path)
{
	char head[16];
	struct stat sb;
	int fd, yes = 0;
	if (!path || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	yes = read(fd, head, sizeof head) == (ssize_t)sizeof head &&
	      memcmp(head, sqlite_magic, sizeof head) == 0;
	close(fd);
	return yes;
}

/* The tables each schema version has (a prefix of this list). */
static const char *const tables_of[] = { "schema_version", "snapshots", "nodes", "props",
					 "dep_groups", "members", "reports", "runs",
					 "compiled", "compiled_parts" };
static const size_t ntables_of[FO_SNAPSHOT_SCHEMA + 1] = { 0, 6, 8, 8, 10 };

/* Reads the schema version: 0 for an empty database; FO_EINPUT when the
 * database has tables but is not fallout's, is newer than this code, or is
 * damaged (a version that is not one integer row in [1, FO_SNAPSHOT_SCHEMA],
 * a table of its version missing). */
static int read_version(store *s)
{
	sqlite3_stmt *st = NULL;
	int err = FO_OK, rc, tables = 0;
	unsigned have = 0; /* bit i: tables_of[i] exists */
	sqlite3_int64 version = 0;
	row r = { s, NULL, "schema_version", 1 };

	if ((err = prepare(s, "SELECT name FROM sqlite_master WHERE type = 'table'", &st)) < 0)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		tables++;
		for (size_t i = 0; name && i < sizeof tables_of / sizeof tables_of[0]; i++)
			if (strcmp(name, tables_of[i]) == 0)
				have |= 1u << i;
	}
	if (rc != SQLITE_DONE) {
		err = sql_fail(s, rc, "cannot read the database");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	s->version = 0;
	if (!tables)
		goto done;
	if (!(have & 1u)) {
		err = say(s, FO_EINPUT, "not a fallout database: an SQLite database with other tables%s; it was not modified", "");
		goto done;
	}
	/* One row, an integer: sqlite3_column_int would read 4294967297 as 1
	 * and 'x' as 0. */
	if ((err = prepare(s, "SELECT rowid, version FROM schema_version", &st)) < 0)
		goto done;
	r.st = st;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			err = say(s, FO_EINPUT, "damaged: schema_version has no row%s", "");
		else
			err = sql_fail(s, rc, "cannot read the schema version");
		goto done;
	}
	if ((err = get_int(&r, 1, INT64_MIN, INT64_MAX, &version)) < 0)
		goto done;
	if (version < 1) {
		err = row_damaged(&r, "version %lld is not a schema version", (long long)version);
		goto done;
	}
	if (version > FO_SNAPSHOT_SCHEMA) {
		/* A newer fallout's database and a damaged version look alike. */
		if (s->diag)
			fo_diag_add_code(s->diag, FO_SEV_ERROR, "snapshot", s->path, 0, 0, NULL,
				    "schema_version row %lld: database schema version %lld, newer than this fallout knows (%d); upgrade fallout, or the database is damaged (it was not modified)",
				    (long long)sqlite3_column_int64(st, 0), (long long)version,
				    FO_SNAPSHOT_SCHEMA);
		err = FO_EINPUT;
		goto done;
	}
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		err = rc == SQLITE_ROW ? row_damaged(&r, "schema_version has more than one row")
				       : sql_fail(s, rc, "cannot read the schema version");
		goto done;
	}
	for (size_t i = 0; i < ntables_of[version]; i++) {
		if (!(have & 1u << i)) {
			err = say(s, FO_EINPUT, "damaged: table %s is missing", tables_of[i]);
			goto done;
		}
	}
	s->version = (int)version;
done:
	sqlite3_finalize(st);
	return err;
}

static int quick_check(store *s)
{
	sqlite3_stmt *st = NULL;
	int err, rc;
	if ((err = prepare(s, "PRAGMA quick_check", &st)) < 0)
		goto done;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = sql_fail(s, rc, "integrity check failed");
		goto done;
	}
	const char *res = (const char *)sqlite3_column_text(st, 0);
	if (!res || strcmp(res, "ok") != 0)
		err = say(s, FO_EINPUT, "the database is corrupt (%s); it was not modified",
			  res ? res : "quick_check gave no answer");
done:
	sqlite3_finalize(st);
	return err;
}

/* Applies the forward migrations from the version found, one transaction
 * each; the version is re-read inside the transaction so two processes
 * creating one database at once apply each step once. */
static int migrate(store *s)
{
	sqlite3_stmt *st = NULL;
	int err = FO_OK, rc;

	for (int v = s->version + 1; v <= FO_SNAPSHOT_SCHEMA; v++) {
		if ((err = exec(s, "BEGIN IMMEDIATE", "cannot write the database")) < 0)
			goto done;
		s->txn = 1;
		if ((err = read_version(s)) < 0)
			goto done;
		if (s->version < v) {
			if ((err = exec(s, migrations[v - 1], "cannot create the schema")) < 0 ||
			    (err = prepare(s, "UPDATE schema_version SET version = ?", &st)) < 0)
				goto done;
			sqlite3_bind_int(st, 1, v);
			if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
				err = sql_fail(s, rc, "cannot create the schema");
				goto done;
			}
			sqlite3_finalize(st);
			st = NULL;
		}
		if ((err = exec(s, "COMMIT", "cannot write the database")) < 0)
			goto done;
		s->txn = 0;
		s->version = v;
	}
done:
	sqlite3_finalize(st);
	return err;
}

static void store_close(store *s)
{
	if (s->db && s->txn)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(s->db); /* every statement is finalized by then */
	s->db = NULL;
	s->txn = 0;
}

/* Reads the schema once; returns the SQLite result code. */
static int probe(store *s)
{
	return sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
}

/* Reopens s->path read-only through a URI with immutable=1 (path
 * percent-encoded). */
static int reopen_immutable(store *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t len = strlen(s->path);
	char *uri = malloc(len * 3 + 32), *q;
	int rc, err = FO_OK;
	if (!uri)
		return FO_ENOMEM;
	q = uri + sprintf(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)s->path; *p; p++) {
		if (*p == '?' || *p == '#' || *p == '%' || *p < 0x21 || *p >= 0x7f) {
			*q++ = '%';
			*q++ = hexd[*p >> 4];
			*q++ = hexd[*p & 15];
		} else {
			*q++ = (char)*p;
		}
	}
	strcpy(q, "?immutable=1");
	sqlite3_close(s->db);
	s->db = NULL;
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK || (rc = probe(s)) != SQLITE_OK)
		err = sql_fail(s, rc, "cannot open");
	else
		sqlite3_extended_result_codes(s->db, 1);
	free(uri);
	return err;
}

/* True when a reader may open path read-write so that its close removes
 * the -wal and -shm files it creates: no -journal (a hot journal would be
 * rolled back, changing the file) and no -wal with content (it would be
 * checkpointed into the file). A read-only connection leaves both files
 * behind, as SQLite cannot checkpoint through it. Fails safe (0) on any
 * doubt, including out of memory. O(1) system calls. */
static int reader_may_clean(const char *path)
{
	static const char *const sfx[] = { "-journal", "-wal" };
	size_t len = strlen(path);
	char *side = malloc(len + 9);
	struct stat sb;
	int ok = side != NULL;
	for (int i = 0; ok && i < 2; i++) {
		memcpy(side, path, len);
		strcpy(side + len, sfx[i]);
		if (lstat(side, &sb) == 0 ? (i == 0 || sb.st_size > 0) : errno != ENOENT)
			ok = 0;
	}
	free(side);
	return ok;
}

/* Opens db_path after checking, without writing, that it is a fallout
 * database (or empty, or missing when `write`). A writer also gets a quick
 * integrity check, WAL mode and the current schema. */
static int store_open(store *s, const char *path, int write, fo_diag *diag)
{
	struct stat sb;
	int err = FO_OK, rc;

	memset(s, 0, sizeof *s);
	s->path = path;
	s->diag = diag;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return say(s, FO_EIO, "cannot open: %s", strerror(EISDIR));
		if (sb.st_size > 0 && !fo_snapshot_is_db(path)) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return say(s, FO_EIO, "cannot open: %s", strerror(errno));
			close(fd);
			return say(s, FO_EINPUT, "not an SQLite database (snapshots are stored in SQLite files)%s; it was not modified", "");
		}
	} else if (!write || errno != ENOENT) {
		return say(s, FO_EIO, "cannot open: %s", strerror(errno));
	}
	/* A connection is used by one thread only: a reader does without
	 * SQLite's per-call mutex (a load makes millions of calls). */
	/* A reader opens read-write when that writes nothing (query_only
	 * below), so that the last close removes -wal and -shm: a read-only
	 * whatif leaves the directory as it found it. */
	int clean = !write && reader_may_clean(path);
	rc = sqlite3_open_v2(path, &s->db,
			     write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
			     : clean ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
				     : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		err = sql_fail(s, rc, "cannot open");
		goto done;
	}
	if (clean && (err = exec(s, "PRAGMA query_only = ON", "cannot open")) < 0)
		goto done;
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_timeout_ms());
	if (write && sqlite3_db_readonly(s->db, "main") == 1) {
		err = say(s, FO_EIO, "cannot write: %s", "the database file is read-only");
		goto done;
	}
	if (!write && (rc = probe(s)) != SQLITE_OK) {
		/* A WAL database in a read-only directory without its -shm file
		 * cannot be opened for shared reading; nobody can write it there
		 * either, so read it as immutable. */
		if ((rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY) {
			err = sql_fail(s, rc, "cannot read the database");
			goto done;
		}
		if ((err = reopen_immutable(s)) < 0)
			goto done;
	}
	if ((err = exec(s, "PRAGMA foreign_keys = ON", "cannot open")) < 0 ||
	    (err = read_version(s)) < 0)
		goto done;
	if (!write)
		goto done;
	if ((err = quick_check(s)) < 0)
		goto done;
	if (s->version == 0) {
		sqlite3_stmt *st = NULL;
		if ((err = prepare(s, "PRAGMA journal_mode = WAL", &st)) < 0)
			goto done;
		rc = sqlite3_step(st);
		const char *mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (!mode || strcmp(mode, "wal") != 0)
			err = rc == SQLITE_ROW ? say(s, FO_EIO, "cannot switch to the WAL journal (%s)", mode ? mode : "?")
					       : sql_fail(s, rc, "cannot switch to the WAL journal");
		sqlite3_finalize(st);
		if (err < 0)
			goto done;
	}
	err = migrate(s);
done:
	if (err < 0)
		store_close(s);
	return err;
}

/* Makes room for one more element in a list of len (doubling). */
static int grow(void **v, size_t *alloc, size_t len, size_t elem)
{
	if (len < *alloc)
		return FO_OK;
	size_t na = *alloc ? *alloc * 2 : 16;
	void *p = realloc(*v, na * elem);
	if (!p)
		return FO_ENOMEM;
	*v = p;
	*alloc = na;
	return FO_OK;
}

/* A malloc'd copy (free()) of text column col of r; NULL for a NULL when
 * nullable. */
static int dup_text(char **out, const row *r, int col, int nullable)
{
	const char *t;
	int err = get_text(r, col, nullable, &t, NULL);
	*out = NULL;
	if (err < 0 || !t)
		return err;
	return (*out = strdup(t)) ? FO_OK : FO_ENOMEM;
}

/* ------------------------------------------------------------------ save */

static const char *const type_words[] = { "requires", "located", "copies", "degrades" };

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Steps a bound insert and resets it for the next row. */
static int step_reset(store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FO_OK : sql_fail(s, rc, "cannot store the snapshot");
}

static int check_label(store *s, const char *label)
{
	if (!*label)
		return say(s, FO_EINVAL, "bad label%s: a label cannot be empty", "");
	if (strchr(label, '@'))
		return say(s, FO_EINVAL, "bad label '%s': a label cannot contain '@'", label);
	return FO_OK;
}

/* ------------------------------------------------------- compiled copy
 * Schema 4 stores each snapshot's graph image (graph_blob.h) beside its
 * rows: part 0 is the head (FO_GRAPH_BLOB_HEAD uint64 counts), then each
 * non-empty array in image order, cut in parts of at most COMPILED_CHUNK
 * bytes. Every part is hashed with XXH64 seeded with its seq (a part moved
 * to another place does not match), and the checksum is the XXH64 of those
 * part hashes: 16 lowercase hex digits. */

#define COMPILED_CHUNK ((uint64_t)16 << 20)

/* Parts of an array of `bytes` bytes. */
static uint64_t chunks_of(uint64_t bytes) { return (bytes + COMPILED_CHUNK - 1) / COMPILED_CHUNK; }

/* Writes g's compiled copy for snapshot sid, inside the caller's write
 * transaction. O(graph): one pass to hash, one to store. */
static int save_compiled(store *s, sqlite3_int64 sid, const fo_graph *g)
{
	uint64_t head[FO_GRAPH_BLOB_HEAD], total = sizeof head, nparts = 1, k = 0;
	fo_graph_blob_part parts[FO_GRAPH_BLOB_ARRAYS];
	uint32_t *prop_offs = NULL;
	uint64_t *hashes = NULL;
	sqlite3_stmt *st = NULL;
	char hex[17], layout[FO_GRAPH_BLOB_LAYOUT_MAX];
	int err = FO_OK;

	fo_graph_blob_head(g, head);
	if (!(prop_offs = malloc(head[FO_BLOB_PROPS] ? head[FO_BLOB_PROPS] * 8 : 1))) {
		err = FO_ENOMEM;
		goto done;
	}
	fo_graph_blob_parts(g, prop_offs, parts);
	for (int i = 0; i < FO_GRAPH_BLOB_ARRAYS; i++) {
		total += parts[i].bytes;
		nparts += chunks_of(parts[i].bytes);
	}
	if (!(hashes = malloc(nparts * sizeof *hashes))) {
		err = FO_ENOMEM;
		goto done;
	}
	hashes[k] = fo_xxh64(head, sizeof head, k);
	k++;
	for (int i = 0; i < FO_GRAPH_BLOB_ARRAYS; i++)
		for (uint64_t off = 0; off < parts[i].bytes; off += COMPILED_CHUNK, k++) {
			uint64_t len = parts[i].bytes - off < COMPILED_CHUNK ? parts[i].bytes - off : COMPILED_CHUNK;
			hashes[k] = fo_xxh64((const char *)parts[i].p + off, (size_t)len, k);
		}
	snprintf(hex, sizeof hex, "%016llx",
		 (unsigned long long)fo_xxh64(hashes, nparts * sizeof *hashes, 0));

	if ((err = prepare(s, "INSERT INTO compiled (snapshot_id, format, layout, bytes, parts, checksum)"
			      " VALUES (?, ?, ?, ?, ?, ?)", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int(st, 2, FO_GRAPH_BLOB_FORMAT);
	fo_graph_blob_layout(layout);
	bind_text(st, 3, layout);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)total);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)nparts);
	bind_text(st, 6, hex);
	if ((err = step_reset(s, st)) < 0)
		goto done;
	sqlite3_finalize(st);
	st = NULL;
	if ((err = prepare(s, "INSERT INTO compiled_parts (snapshot_id, seq, data) VALUES (?, ?, ?)",
			   &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, sid);
	k = 0;
	sqlite3_bind_int64(st, 2, 0);
	sqlite3_bind_blob64(st, 3, head, sizeof head, SQLITE_STATIC);
	if ((err = step_reset(s, st)) < 0)
		goto done;
	k++;
	for (int i = 0; i < FO_GRAPH_BLOB_ARRAYS; i++)
		for (uint64_t off = 0; off < parts[i].bytes; off += COMPILED_CHUNK, k++) {
			uint64_t len = parts[i].bytes - off < COMPILED_CHUNK ? parts[i].bytes - off : COMPILED_CHUNK;
			sqlite3_bind_int64(st, 2, (sqlite3_int64)k);
			sqlite3_bind_blob64(st, 3, (const char *)parts[i].p + off, len, SQLITE_STATIC);
			if ((err = step_reset(s, st)) < 0)
				goto done;
		}
done:
	sqlite3_finalize(st);
	free(prop_offs);
	free(hashes);
	return err;
}

int fo_snapshot_save(char **out_label, const char *db_path, const fo_graph *g,
		     const char *label, const char *source_path, const char *sha256_hex,
		     fo_diag *diag)
{
	store s = { 0 };
	sqlite3_stmt *st = NULL, *ins_node = NULL, *ins_prop = NULL, *ins_group = NULL,
		     *ins_member = NULL;
	char stamp[32], *copy = NULL;
	int err = FO_OK, rc;
	sqlite3_int64 sid;
	uint32_t n, ng;

	if (out_label)
		*out_label = NULL;
	if (!db_path || !g)
		return FO_EINVAL;
	if (!label) {
		time_t now = time(NULL);
		struct tm tm;
		if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm))
			return FO_EINVAL;
		label = stamp;
	}
	s.path = db_path;
	s.diag = diag;
	if ((err = check_label(&s, label)) < 0)
		return err;
	if ((err = store_open(&s, db_path, 1, diag)) < 0)
		return err;
	/* One import is one transaction of millions of rows: with SQLite's
	 * default 2 MB page cache the index pages spill and are read back over
	 * and over. Up to 256 MB of cache (allocated only as used) keeps them. */
	if ((err = exec(&s, "PRAGMA cache_size = -262144", "cannot write the database")) < 0 ||
	    (err = exec(&s, "BEGIN IMMEDIATE", "cannot write the database")) < 0)
		goto done;
	s.txn = 1;

	if ((err = prepare(&s, "SELECT 1 FROM snapshots WHERE label = ?", &st)) < 0)
		goto done;
	bind_text(st, 1, label);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = say(&s, FO_EINVAL, "label '%s' is taken: labels are unique in a database (choose another with --label, or remove the old snapshot)", label);
		goto done;
	} else if (rc != SQLITE_DONE) {
		err = sql_fail(&s, rc, "cannot read the database");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;

	n = fo_graph_node_count(g);
	ng = fo_graph_group_count(g);
	if ((err = prepare(&s, "INSERT INTO snapshots (label, source, sha256, imported_at,"
			       " inventory, nodes, groups, members) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
		goto done;
	{
		time_t now = time(NULL);
		struct tm tm;
		char at[32] = "";
		if (gmtime_r(&now, &tm))
			strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		bind_text(st, 1, label);
		bind_text(st, 2, source_path ? source_path : "");
		bind_text(st, 3, sha256_hex ? sha256_hex : "");
		/* A transient copy is an allocation: unchecked, its failure
		 * left the column NULL and the insert failed as invalid input. */
		if ((rc = sqlite3_bind_text(st, 4, at, -1, SQLITE_TRANSIENT)) != SQLITE_OK) {
			err = sql_fail(&s, rc, "cannot store the snapshot");
			goto done;
		}
		bind_text(st, 5, fo_graph_name(g));
		sqlite3_bind_int64(st, 6, n);
		sqlite3_bind_int64(st, 7, ng);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)fo_graph_member_count(g));
		if ((err = step_reset(&s, st)) < 0)
			goto done;
	}
	sid = sqlite3_last_insert_rowid(s.db);

	if ((err = prepare(&s, "INSERT INTO nodes (snapshot_id, idx, id, kind, name, tenant, tier,"
			       " container, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &ins_node)) < 0 ||
	    (err = prepare(&s, "INSERT INTO props (snapshot_id, node, position, key, value)"
			       " VALUES (?, ?, ?, ?, ?)", &ins_prop)) < 0 ||
	    (err = prepare(&s, "INSERT INTO dep_groups (snapshot_id, idx, owner, type, k, line)"
			       " VALUES (?, ?, ?, ?, ?, ?)", &ins_group)) < 0 ||
	    (err = prepare(&s, "INSERT INTO members (snapshot_id, grp, position, node)"
			       " VALUES (?, ?, ?, ?)", &ins_member)) < 0)
		goto done;
	sqlite3_bind_int64(ins_node, 1, sid);
	sqlite3_bind_int64(ins_prop, 1, sid);
	sqlite3_bind_int64(ins_group, 1, sid);
	sqlite3_bind_int64(ins_member, 1, sid);
	for (uint32_t v = 0; v < n; v++) {
		uint32_t c = fo_graph_node_container(g, v);
		sqlite3_bind_int64(ins_node, 2, v);
		bind_text(ins_node, 3, fo_graph_node_id(g, v));
		bind_text(ins_node, 4, fo_graph_node_kind_word(g, v));
		bind_text(ins_node, 5, fo_graph_node_name(g, v));
		bind_text(ins_node, 6, fo_graph_node_tenant(g, v));
		sqlite3_bind_int64(ins_node, 7, fo_graph_node_tier(g, v));
		if (c == FO_NONE)
			sqlite3_bind_null(ins_node, 8);
		else
			sqlite3_bind_int64(ins_node, 8, c);
		sqlite3_bind_int64(ins_node, 9, (sqlite3_int64)fo_graph_node_line(g, v));
		if ((err = step_reset(&s, ins_node)) < 0)
			goto done;
		const fo_prop *p;
		size_t np = fo_graph_node_props(g, v, &p);
		for (size_t i = 0; i < np; i++) {
			sqlite3_bind_int64(ins_prop, 2, v);
			sqlite3_bind_int64(ins_prop, 3, (sqlite3_int64)i);
			bind_text(ins_prop, 4, p[i].key);
			bind_text(ins_prop, 5, p[i].value);
			if ((err = step_reset(&s, ins_prop)) < 0)
				goto done;
		}
	}
	for (uint32_t gi = 0; gi < ng; gi++) {
		fo_group_info info;
		fo_graph_group(g, gi, &info);
		if (info.type == FO_GROUP_LOCATED)
			continue;
		if ((unsigned)info.type >= sizeof type_words / sizeof type_words[0]) {
			err = FO_EINVAL;
			goto done;
		}
		sqlite3_bind_int64(ins_group, 2, gi);
		sqlite3_bind_int64(ins_group, 3, info.owner);
		bind_text(ins_group, 4, type_words[info.type]);
		sqlite3_bind_int64(ins_group, 5, info.k);
		sqlite3_bind_int64(ins_group, 6, (sqlite3_int64)info.line);
		if ((err = step_reset(&s, ins_group)) < 0)
			goto done;
		for (uint32_t m = 0; m < info.n; m++) {
			sqlite3_bind_int64(ins_member, 2, gi);
			sqlite3_bind_int64(ins_member, 3, m);
			sqlite3_bind_int64(ins_member, 4, info.members[m]);
			if ((err = step_reset(&s, ins_member)) < 0)
				goto done;
		}
	}
	if ((err = save_compiled(&s, sid, g)) < 0)
		goto done;
	/* The caller's copy of the label is made before the commit: a
	 * failure after it would report an error for a stored snapshot. */
	if (out_label && !(copy = strdup(label))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = exec(&s, "COMMIT", "cannot commit the snapshot")) < 0)
		goto done;
	s.txn = 0;
	if (out_label) {
		*out_label = copy;
		copy = NULL;
	}
done:
	free(copy);
	sqlite3_finalize(st);
	sqlite3_finalize(ins_node);
	sqlite3_finalize(ins_prop);
	sqlite3_finalize(ins_group);
	sqlite3_finalize(ins_member);
	store_close(&s);
	return err;
}

/* ------------------------------------------------------------------ load */

/* A builder refused what a row holds (a duplicate id, a containment
 * cycle...): the builder said why; this names the row. */
static int built(const row *r, int err)
{
	if (err == FO_EINPUT)
		row_damaged(r, "its content does not build a graph");
	return err;
}

/* The compiled copy is not used: says why on the diag, as a warning (the
 * load goes on from the rows). Returns FO_OK. */
static int compiled_unused(store *s, const char *label, const char *why)
{
	if (s->diag)
		fo_diag_add_code(s->diag, FO_SEV_WARNING, "compiled-copy", s->path, 0, 0, NULL,
				 "snapshot '%s': compiled copy not used (%s); loaded from its rows", label,
				 why);
	return FO_OK;
}

/* The bytes a database can hold: its file and its -wal file (committed
 * pages may not be checkpointed yet); UINT64_MAX (no bound) when the -wal
 * file's name cannot be made. */
static uint64_t file_bytes(const char *path)
{
	struct stat sb;
	uint64_t n = stat(path, &sb) == 0 && sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
	size_t len = strlen(path);
	char *wal = malloc(len + 5);
	if (!wal)
		return UINT64_MAX;
	memcpy(wal, path, len);
	strcpy(wal + len, "-wal");
	if (stat(wal, &sb) == 0 && sb.st_size > 0)
		n += (uint64_t)sb.st_size;
	free(wal);
	return n;
}

/* Reads the compiled copy of snapshot sid (its snapshots row says n nodes,
 * ng groups, nm members and the inventory name inv), as a graph named
 * `file`. FO_OK with *out: loaded. FO_OK with *out NULL: no copy (a
 * snapshot stored before schema 4), or a copy not to be trusted — wrong
 * format, another build's layout, a checksum or size that does not match,
 * content that fo_graph_blob_seal refuses — with a warning saying which.
 * Any other failure (out of memory, SQLite's corruption or I/O errors) is
 * returned as for the rows. O(image bytes). */
static int load_compiled(store *s, sqlite3_int64 sid, const char *label, const char *file,
			 uint32_t n, uint32_t ng, uint32_t nm, const char *inv, fo_graph **out)
{
	sqlite3_stmt *st = NULL;
	sqlite3_blob *blob = NULL;
	fo_graph *g = NULL;
	fo_blob_prefault *pf = NULL;
	fo_graph_blob_part parts[FO_GRAPH_BLOB_ARRAYS];
	uint64_t head[FO_GRAPH_BLOB_HEAD], sizes[FO_GRAPH_BLOB_ARRAYS], total, nparts = 1, k = 0;
	uint64_t *hashes = NULL;
	sqlite3_int64 bytes, want_parts;
	const char *why = NULL, *layout, *sum;
	char hex[17], sumcopy[17], ours[FO_GRAPH_BLOB_LAYOUT_MAX];
	int err = FO_OK, rc, mapped = 0;

	*out = NULL;
	if (s->version < 4)
		return FO_OK;
	if ((err = prepare(s, "SELECT format, layout, bytes, parts, checksum FROM compiled"
			      " WHERE snapshot_id = ?", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, sid);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			err = sql_fail(s, rc, "cannot read the snapshot");
		goto done; /* no copy: silently from the rows */
	}
	if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || sqlite3_column_type(st, 1) != SQLITE_TEXT ||
	    sqlite3_column_type(st, 2) != SQLITE_INTEGER || sqlite3_column_type(st, 3) != SQLITE_INTEGER ||
	    sqlite3_column_type(st, 4) != SQLITE_TEXT) {
		why = "its compiled row has a value of the wrong type";
		goto done;
	}
	if (sqlite3_column_int64(st, 0) != FO_GRAPH_BLOB_FORMAT) {
		why = "it is of another format version";
		goto done;
	}
	if (!(layout = (const char *)sqlite3_column_text(st, 1)) ||
	    !(sum = (const char *)sqlite3_column_text(st, 4))) {
		err = FO_ENOMEM;
		goto done;
	}
	fo_graph_blob_layout(ours);
	if (strcmp(layout, ours) != 0) {
		why = "it was compiled by a build of another memory layout";
		goto done;
	}
	bytes = sqlite3_column_int64(st, 2);
	want_parts = sqlite3_column_int64(st, 3);
	snprintf(sumcopy, sizeof sumcopy, "%s", sum);
	if (strlen(sum) != 16) {
		why = "its checksum is malformed";
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* The parts are read through a map of the file: SQLite then copies
	 * from the page cache instead of reading each 4 KiB page into its own
	 * cache first (44 000 pread calls at 1M nodes: about a fifth of the
	 * load's CPU). The mapped pages count in the process's resident size
	 * while they are read (they are the page cache's, shared). Not for the
	 * rows: stepping them would map the whole file. */
	if ((err = exec(s, "PRAGMA mmap_size = 2147418112", "cannot read the snapshot")) < 0)
		goto done;
	mapped = 1;

	/* Part 0, the head: the counts must be the snapshots row's, and the
	 * image no larger than the file that holds it, before any allocation. */
	if ((err = prepare(s, "SELECT rowid, seq, typeof(data) FROM compiled_parts"
			      " WHERE snapshot_id = ? ORDER BY seq", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, sid);
	for (int i = -1; i < FO_GRAPH_BLOB_ARRAYS; i++) {
		uint64_t size = i < 0 ? sizeof head : sizes[i];
		char *dest = i < 0 ? (char *)head : parts[i].p;
		fo_graph_blob_prefault_reached(pf, i);
		for (uint64_t off = 0; off < size; off += COMPILED_CHUNK, k++) {
			uint64_t len = size - off < COMPILED_CHUNK ? size - off : COMPILED_CHUNK;
			if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
				if (rc != SQLITE_DONE)
					err = sql_fail(s, rc, "cannot read the snapshot");
				else
					why = "a part is missing";
				goto done;
			}
			const char *type = (const char *)sqlite3_column_text(st, 2);
			if (sqlite3_column_type(st, 1) != SQLITE_INTEGER ||
			    sqlite3_column_int64(st, 1) != (sqlite3_int64)k || !type ||
			    strcmp(type, "blob") != 0) {
				why = "its parts are not numbered in order, or one is not a blob";
				goto done;
			}
			sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
			rc = blob ? sqlite3_blob_reopen(blob, rowid)
				  : sqlite3_blob_open(s->db, "main", "compiled_parts", "data", rowid, 0, &blob);
			if (rc != SQLITE_OK) {
				err = sql_fail(s, rc, "cannot read the snapshot");
				goto done;
			}
			if ((uint64_t)sqlite3_blob_bytes(blob) != len) {
				why = "a part has the wrong size";
				goto done;
			}
			if ((rc = sqlite3_blob_read(blob, dest + off, (int)len, 0)) != SQLITE_OK) {
				err = sql_fail(s, rc, "cannot read the snapshot");
				goto done;
			}
			if (hashes)
				hashes[k] = fo_xxh64(dest + off, (size_t)len, k);
		}
		if (i >= 0)
			continue;
		if (head[FO_BLOB_NODES] != n || head[FO_BLOB_GROUPS] != ng || head[FO_BLOB_MEMBERS] != nm ||
		    fo_graph_blob_sizes(head, sizes, &total) < 0) {
			why = "its counts differ from the snapshot's";
			goto done;
		}
		for (int j = 0; j < FO_GRAPH_BLOB_ARRAYS; j++)
			nparts += chunks_of(sizes[j]);
		if (total > (uint64_t)INT64_MAX - sizeof head || (sqlite3_int64)(total + sizeof head) != bytes ||
		    (sqlite3_int64)nparts != want_parts) {
			why = "its size differs from its compiled row";
			goto done;
		}
		if (total > file_bytes(s->path)) {
			why = "it is larger than the database";
			goto done;
		}
		if (!(hashes = malloc(nparts * sizeof *hashes))) {
			err = FO_ENOMEM;
			goto done;
		}
		hashes[0] = fo_xxh64(head, sizeof head, 0);
		if ((err = fo_graph_blob_alloc(&g, head, file, parts)) < 0) {
			if (err == FO_ELIMIT) {
				err = FO_OK;
				why = "its counts are beyond a graph's limits";
			}
			goto done;
		}
		{
			/* The member-of and children lists, filled by the seal
			 * after the parts, are the last to write. */
			fo_graph_view v;
			fo_graph_blob_part all[FO_GRAPH_BLOB_ARRAYS + 2];
			fo_graph_view_get(g, &v);
			memcpy(all, parts, sizeof parts);
			all[FO_GRAPH_BLOB_ARRAYS] = (fo_graph_blob_part){ (void *)v.memberof, (uint64_t)nm * 4 };
			all[FO_GRAPH_BLOB_ARRAYS + 1] = (fo_graph_blob_part){ (void *)v.child, head[FO_BLOB_CHILDREN] * 4 };
			fo_graph_blob_prefault_start(&pf, all, FO_GRAPH_BLOB_ARRAYS + 2);
		}
	}
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		if (rc == SQLITE_ROW)
			why = "it has more parts than its head describes";
		else
			err = sql_fail(s, rc, "cannot read the snapshot");
		goto done;
	}
	snprintf(hex, sizeof hex, "%016llx",
		 (unsigned long long)fo_xxh64(hashes, nparts * sizeof *hashes, 0));
	if (strcmp(hex, sumcopy) != 0) {
		why = "its checksum does not match";
		goto done;
	}
	if ((err = fo_graph_blob_seal(g, &why)) < 0) {
		if (err == FO_EINPUT)
			err = FO_OK;
		goto done;
	}
	const char *name = fo_graph_name(g);
	if ((inv == NULL) != (name == NULL) || (inv && strcmp(inv, name) != 0)) {
		why = "its inventory name differs from the snapshot's";
		goto done;
	}
	*out = g;
	g = NULL;
done:
	fo_graph_blob_prefault_stop(pf);
	if (err == FO_OK && why)
		compiled_unused(s, label, why);
	sqlite3_blob_close(blob);
	sqlite3_finalize(st);
	if (mapped) /* a load from the rows goes on without the map */
		(void)sqlite3_exec(s->db, "PRAGMA mmap_size = 0", NULL, NULL, NULL);
	fo_graph_free(g);
	free(hashes);
	return err;
}

int fo_snapshot_load(fo_graph **out, const char *db_path, const char *label, fo_diag *diag)
{
	store s = { 0 };
	sqlite3_stmt *st = NULL, *gs = NULL, *ms = NULL;
	fo_builder *b = NULL;
	uint32_t *container = NULL;
	char *file = NULL;
	sqlite3_int64 sid, num;
	uint32_t n = 0, ng = 0, nm = 0, node;
	int err = FO_OK, rc, mrc;
	row r = { &s, NULL, "snapshots", 1 };

	if (out)
		*out = NULL;
	if (!out || !db_path)
		return FO_EINVAL;
	if ((err = store_open(&s, db_path, 0, diag)) < 0)
		return err;
	/* No mmap for the rows: mapping the file saved about 5 % of a 1M-node
	 * load from them but counted the whole database in the process's
	 * resident memory. The compiled copy maps just its parts
	 * (load_compiled). */
	if ((err = exec(&s, "BEGIN", "cannot read the database")) < 0)
		goto done;
	s.txn = 1;
	if (s.version == 0) {
		err = say(&s, FO_ENOTFOUND, "no snapshot in this database%s", "");
		goto done;
	}
	if ((err = prepare(&s, label ? "SELECT id, label, inventory, nodes, groups, members FROM snapshots WHERE label = ?"
				     : "SELECT id, label, inventory, nodes, groups, members FROM snapshots ORDER BY id DESC LIMIT 1",
			   &st)) < 0)
		goto done;
	r.st = st;
	if (label)
		bind_text(st, 1, label);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			err = sql_fail(&s, rc, "cannot read the database");
		else if (label)
			err = say(&s, FO_ENOTFOUND, "no snapshot labelled '%s' (see fallout db list)", label);
		else
			err = say(&s, FO_ENOTFOUND, "no snapshot in this database%s", "");
		goto done;
	}
	{
		const char *lab, *inv;
		if ((err = get_int(&r, 0, 1, INT64_MAX, &sid)) < 0 ||
		    (err = get_text(&r, 1, 0, &lab, NULL)) < 0 ||
		    (err = get_text(&r, 2, 1, &inv, NULL)) < 0 ||
		    (err = get_u32(&r, 3, UINT32_MAX, &n)) < 0 ||
		    (err = get_u32(&r, 4, UINT32_MAX, &ng)) < 0 ||
		    (err = get_u32(&r, 5, UINT32_MAX, &nm)) < 0)
			goto done;
		size_t len = strlen(db_path) + strlen(lab) + 2;
		if (!(file = malloc(len))) {
			err = FO_ENOMEM;
			goto done;
		}
		snprintf(file, len, "%s@%s", db_path, lab);
		/* The compiled copy when there is a sound one: the graph as it
		 * was built, read without rebuilding. Otherwise the rows. */
		if ((err = load_compiled(&s, sid, file + strlen(db_path) + 1, file, n, ng, nm, inv,
					 out)) < 0 || *out)
			goto done;
		if ((err = fo_builder_new(&b, diag, file)) < 0)
			goto done;
		/* Size the builder from the counts, but never beyond what the
		 * file could hold (a row takes more than 4 bytes): the counts of a
		 * damaged snapshot must give "damaged", not an allocation of
		 * gigabytes. */
		struct stat sb;
		uint64_t cap = stat(db_path, &sb) == 0 && sb.st_size > 0 ? (uint64_t)sb.st_size / 4 : 0;
		if ((err = fo_builder_reserve(b, n < cap ? n : cap, ng < cap ? ng : cap,
					      nm < cap ? nm : cap)) < 0)
			goto done;
		if (inv && (err = built(&r, fo_builder_set_name(b, inv))) < 0)
			goto done;
	}
	sqlite3_finalize(st);
	st = NULL;

	/* Nodes, in index order; group members then name them by index. */
	if (!(container = malloc((n ? n : 1) * sizeof *container))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = prepare(&s, "SELECT snapshot_id, idx, id, kind, name, tenant, tier, container, line"
			       " FROM nodes WHERE snapshot_id = ? ORDER BY idx", &st)) < 0)
		goto done;
	r = (row){ &s, st, "nodes", 2 };
	sqlite3_bind_int64(st, 1, sid);
	node = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint32_t idx, tier = 0, c = FO_NONE, out_idx;
		const char *id, *kind, *name, *tenant;
		if ((err = get_u32(&r, 1, n, &idx)) < 0)
			goto done;
		if (idx != node) {
			err = row_damaged(&r, "node %u is missing", node);
			goto done;
		}
		if ((err = get_text(&r, 2, 0, &id, NULL)) < 0 ||
		    (err = get_text(&r, 3, 0, &kind, NULL)) < 0 ||
		    (err = get_text(&r, 4, 1, &name, NULL)) < 0 ||
		    (err = get_text(&r, 5, 1, &tenant, NULL)) < 0 ||
		    (err = get_u32(&r, 6, UINT32_MAX, &tier)) < 0 ||
		    (sqlite3_column_type(st, 7) != SQLITE_NULL && (err = get_u32(&r, 7, n, &c)) < 0) ||
		    (err = get_int(&r, 8, 0, INT64_MAX, &num)) < 0)
			goto done;
		container[node] = c;
		fo_pos pos = { (unsigned long)num, 0 };
		if ((err = built(&r, fo_builder_add_node(b, id, kind, name, tenant, tier, pos, &out_idx))) < 0)
			goto done;
		node++;
	}
	if (rc != SQLITE_DONE) {
		err = sql_fail(&s, rc, "cannot read the snapshot");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (node != n) {
		if (diag)
			fo_diag_add_code(diag, FO_SEV_ERROR, "snapshot", db_path, 0, 0, NULL,
				    "damaged: snapshots row %lld: nodes is %u but %u nodes rows are stored",
				    (long long)sid, n, node);
		err = FO_EINPUT;
		goto done;
	}
	for (uint32_t v = 0; v < n; v++)
		if (container[v] != FO_NONE && (err = fo_builder_set_parent(b, v, container[v])) < 0) {
			if (err == FO_EINPUT)
				say(&s, FO_EINPUT, "damaged: nodes: the containment of snapshot %s does not build",
				    file);
			goto done;
		}

	if ((err = prepare(&s, "SELECT snapshot_id, node, position, key, value FROM props"
			       " WHERE snapshot_id = ? ORDER BY node, position", &st)) < 0)
		goto done;
	r = (row){ &s, st, "props", 3 };
	sqlite3_bind_int64(st, 1, sid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k, *v;
		if ((err = get_u32(&r, 1, n, &node)) < 0 ||
		    (err = get_int(&r, 2, 0, INT64_MAX, &num)) < 0 ||
		    (err = get_text(&r, 3, 0, &k, NULL)) < 0 || (err = get_text(&r, 4, 0, &v, NULL)) < 0)
			goto done;
		if ((err = built(&r, fo_builder_add_prop(b, node, k, v))) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		err = sql_fail(&s, rc, "cannot read the snapshot");
		goto done;
	}

	/* Groups in index order, merged with their members (same order). */
	if ((err = prepare(&s, "SELECT snapshot_id, idx, owner, type, k, line FROM dep_groups"
			       " WHERE snapshot_id = ? ORDER BY idx", &gs)) < 0 ||
	    (err = prepare(&s, "SELECT snapshot_id, grp, position, node FROM members"
			       " WHERE snapshot_id = ? ORDER BY grp, position", &ms)) < 0)
		goto done;
	sqlite3_bind_int64(gs, 1, sid);
	sqlite3_bind_int64(ms, 1, sid);
	row gr = { &s, gs, "dep_groups", 2 }, mr = { &s, ms, "members", 3 };
	mrc = sqlite3_step(ms);
	while ((rc = sqlite3_step(gs)) == SQLITE_ROW) {
		uint32_t gi, owner, k, m;
		const char *type;
		if ((err = get_u32(&gr, 1, ng, &gi)) < 0 || (err = get_u32(&gr, 2, n, &owner)) < 0 ||
		    (err = get_text(&gr, 3, 0, &type, NULL)) < 0 ||
		    (err = get_u32(&gr, 4, UINT32_MAX, &k)) < 0 ||
		    (err = get_int(&gr, 5, 0, INT64_MAX, &num)) < 0)
			goto done;
		int copies = strcmp(type, "copies") == 0;
		fo_group_type t = strcmp(type, "degrades") == 0 ? FO_GROUP_DEGRADES : FO_GROUP_REQUIRES;
		fo_pos pos = { (unsigned long)num, 0 };
		if (!copies && strcmp(type, "requires") && strcmp(type, "degrades")) {
			err = row_damaged(&gr, "type is not requires, degrades or copies");
			goto done;
		}
		if (!copies && (err = built(&gr, fo_builder_group_begin(b, owner, t, k, pos))) < 0)
			goto done;
		for (; mrc == SQLITE_ROW; mrc = sqlite3_step(ms)) {
			sqlite3_int64 grp;
			if ((err = get_int(&mr, 1, 0, INT64_MAX, &grp)) < 0 ||
			    (err = get_int(&mr, 2, 0, INT64_MAX, &num)) < 0)
				goto done;
			if (grp != gi)
				break;
			if ((err = get_u32(&mr, 3, n, &m)) < 0)
				goto done;
			err = copies ? fo_builder_add_copy_node(b, owner, m, pos)
				     : fo_builder_group_add_node(b, m, pos);
			if ((err = built(&mr, err)) < 0)
				goto done;
		}
		if (!copies && (err = built(&gr, fo_builder_group_end(b))) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE || (mrc != SQLITE_DONE && mrc != SQLITE_ROW)) {
		err = sql_fail(&s, rc != SQLITE_DONE ? rc : mrc, "cannot read the snapshot");
		goto done;
	}
	if (mrc == SQLITE_ROW) {
		err = row_damaged(&mr, "grp names no group of the snapshot");
		goto done;
	}
	if ((err = fo_builder_finish(b, out)) < 0) {
		if (err == FO_EINPUT)
			say(&s, FO_EINPUT, "damaged: the graph of snapshot %s does not build", file);
		goto done;
	}
	if (fo_graph_group_count(*out) != ng || fo_graph_member_count(*out) != nm) {
		fo_graph_free(*out);
		*out = NULL;
		err = say(&s, FO_EINPUT, "damaged: snapshot %s: its groups or members differ from the counts stored in snapshots",
			  file);
		goto done;
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(gs);
	sqlite3_finalize(ms);
	fo_builder_free(b);
	free(container);
	free(file);
	store_close(&s); /* ends the read transaction */
	return err;
}

/* ------------------------------------------------------------ list / rm */

void fo_snapshot_list_free(fo_snapshot_info *v, size_t count)
{
	if (!v)
		return;
	for (size_t i = 0; i < count; i++) {
		free(v[i].label);
		free(v[i].imported_at);
		free(v[i].source);
		free(v[i].sha256);
		free(v[i].inventory);
	}
	free(v);
}

int fo_snapshot_list(fo_snapshot_info **out, size_t *count, const char *db_path, fo_diag *diag)
{
	store s = { 0 };
	sqlite3_stmt *st = NULL;
	fo_snapshot_info *v = NULL;
	size_t len = 0, alloc = 0;
	int err = FO_OK, rc;
	row r = { &s, NULL, "snapshots", 1 };

	if (!out || !count || !db_path)
		return FO_EINVAL;
	*out = NULL;
	*count = 0;
	if ((err = store_open(&s, db_path, 0, diag)) < 0)
		return err;
	if (s.version == 0)
		goto done;
	if ((err = prepare(&s, "SELECT id, label, imported_at, source, sha256, inventory, nodes"
			       " FROM snapshots ORDER BY id", &st)) < 0)
		goto done;
	r.st = st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 nodes;
		if ((err = grow((void **)&v, &alloc, len, sizeof *v)) < 0)
			goto done;
		fo_snapshot_info *e = &v[len++];
		memset(e, 0, sizeof *e);
		if ((err = dup_text(&e->label, &r, 1, 0)) < 0 ||
		    (err = dup_text(&e->imported_at, &r, 2, 0)) < 0 ||
		    (err = dup_text(&e->source, &r, 3, 0)) < 0 ||
		    (err = dup_text(&e->sha256, &r, 4, 0)) < 0 ||
		    (err = dup_text(&e->inventory, &r, 5, 1)) < 0 ||
		    (err = get_int(&r, 6, 0, UINT32_MAX, &nodes)) < 0)
			goto done;
		e->nodes = (uint64_t)nodes;
	}
	if (rc != SQLITE_DONE) {
		err = sql_fail(&s, rc, "cannot read the database");
		goto done;
	}
	*out = v;
	*count = len;
	v = NULL;
done:
	fo_snapshot_list_free(v, len);
	sqlite3_finalize(st);
	store_close(&s);
	return err;
}

int fo_snapshot_remove(const char *db_path, const char *label, fo_diag *diag)
{
	store s = { 0 };
	sqlite3_stmt *st = NULL;
	int err = FO_OK, rc;

	if (!db_path || !label)
		return FO_EINVAL;
	if ((err = store_open(&s, db_path, 1, diag)) < 0)
		return err;
	if ((err = exec(&s, "BEGIN IMMEDIATE", "cannot write the database")) < 0)
		goto done;
	s.txn = 1;
	if ((err = prepare(&s, "DELETE FROM snapshots WHERE label = ?", &st)) < 0)
		goto done;
	bind_text(st, 1, label);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		err = sql_fail(&s, rc, "cannot remove the snapshot");
		goto done;
	}
	if (sqlite3_changes(s.db) == 0) {
		err = say(&s, FO_ENOTFOUND, "no snapshot labelled '%s' (see fallout db list)", label);
		goto done;
	}
	if ((err = exec(&s, "COMMIT", "cannot remove the snapshot")) < 0)
		goto done;
	s.txn = 0;
done:
	sqlite3_finalize(st);
	store_close(&s);
	return err;
}

/* --------------------------------------------------------------- reports */

struct fo_snapshot_report_writer {
	store s; /* open, inside the report's transaction */
	sqlite3_stmt *ins_run;
	sqlite3_int64 report_id;
	uint64_t nruns;
};

/* The id of snapshot `label` (NULL = the newest) in an open store. */
static int snapshot_id(store *s, const char *label, sqlite3_int64 *out)
{
	sqlite3_stmt *st = NULL;
	int err = FO_OK, rc;
	if ((err = prepare(s, label ? "SELECT id FROM snapshots WHERE label = ?"
				    : "SELECT max(id) FROM snapshots", &st)) < 0)
		return err;
	if (label)
		bind_text(st, 1, label);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		err = label ? say(s, FO_ENOTFOUND, "no snapshot labelled '%s' (see fallout db list)", label)
			    : say(s, FO_ENOTFOUND, "no snapshot in the database%s", "");
	else
		err = sql_fail(s, rc, "cannot read the database");
	sqlite3_finalize(st);
	return err;
}

void fo_snapshot_report_free(fo_snapshot_report_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->ins_run);
	store_close(&w->s); /* rolls back an open transaction */
	free(w);
}

int fo_snapshot_report_begin(fo_snapshot_report_writer **out, const char *db_path,
			     const char *label, const fo_snapshot_report_meta *meta, fo_diag *diag)
{
	fo_snapshot_report_writer *w = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 sid = 0;
	int err = FO_OK;

	if (!out || !db_path || !meta || !meta->input || !meta->scenarios_file)
		return FO_EINVAL;
	*out = NULL;
	if (!(w = calloc(1, sizeof *w)))
		return FO_ENOMEM;
	if ((err = store_open(&w->s, db_path, 1, diag)) < 0)
		goto done;
	if ((err = exec(&w->s, "BEGIN IMMEDIATE", "cannot write the database")) < 0)
		goto done;
	w->s.txn = 1;
	if ((err = snapshot_id(&w->s, label, &sid)) < 0)
		goto done;
	if ((err = prepare(&w->s, "INSERT INTO reports (snapshot_id, created_at, title, input,"
				  " scenarios_file, scenarios_sha256, runs) VALUES (?, ?, ?, ?, ?, ?, 0)",
			   &st)) < 0)
		goto done;
	{
		time_t now = time(NULL);
		struct tm tm;
		char at[32] = "";
		if (gmtime_r(&now, &tm))
			strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		int rc;
		sqlite3_bind_int64(st, 1, sid);
		/* Transient: a copy, so an allocation that can fail (see save). */
		if ((rc = sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT)) != SQLITE_OK) {
			err = sql_fail(&w->s, rc, "cannot store the report");
			goto done;
		}
		bind_text(st, 3, meta->title);
		bind_text(st, 4, meta->input);
		bind_text(st, 5, meta->scenarios_file);
		bind_text(st, 6, meta->scenarios_sha256 ? meta->scenarios_sha256 : "");
		if ((err = step_reset(&w->s, st)) < 0)
			goto done;
	}
	w->report_id = sqlite3_last_insert_rowid(w->s.db);
	if ((err = prepare(&w->s, "INSERT INTO runs (report_id, seq, scenario, apps_down,"
				  " nodes_down, whatif, digest) VALUES (?, ?, ?, ?, ?, ?, ?)", &w->ins_run)) < 0)
		goto done;
	sqlite3_bind_int64(w->ins_run, 1, w->report_id);
	*out = w;
	w = NULL;
done:
	sqlite3_finalize(st);
	fo_snapshot_report_free(w);
	return err;
}

/* ------------------------------------------------------------ digests
 * Schema 3 stores the sha256 of what `db report` prints: per run, of its
 * seq, scenario and whatif document; per report, of its row with the
 * snapshot's label and inventory name. A field is hashed as its decimal
 * length, ':', its bytes and ','; NULL as "-,". */

static void dig_field(fo_sha256_ctx *c, const char *v, size_t len)
{
	char n[32];
	if (!v) {
		fo_sha256_update(c, "-,", 2);
		return;
	}
	fo_sha256_update(c, n, (size_t)snprintf(n, sizeof n, "%zu:", len));
	fo_sha256_update(c, v, len);
	fo_sha256_update(c, ",", 1);
}

static void dig_str(fo_sha256_ctx *c, const char *v)
{
	dig_field(c, v, v ? strlen(v) : 0);
}

static void dig_u64(fo_sha256_ctx *c, uint64_t v)
{
	char n[32];
	dig_str(c, (snprintf(n, sizeof n, "%llu", (unsigned long long)v), n));
}

static void run_digest(char hex[65], uint64_t seq, const char *scenario, const char *whatif,
		       size_t len)
{
	fo_sha256_ctx c;
	fo_sha256_init(&c);
	dig_u64(&c, seq);
	dig_str(&c, scenario);
	dig_field(&c, whatif, len);
	fo_sha256_final(&c, hex);
}

static void report_digest(char hex[65], const fo_snapshot_report_info *e, const char *spof,
			  size_t len)
{
	fo_sha256_ctx c;
	fo_sha256_init(&c);
	dig_str(&c, e->snapshot);
	dig_str(&c, e->inventory);
	dig_str(&c, e->created_at);
	dig_str(&c, e->title);
	dig_str(&c, e->input);
	dig_str(&c, e->scenarios_file);
	dig_str(&c, e->scenarios_sha256);
	dig_u64(&c, e->runs);
	dig_field(&c, spof, len);
	fo_sha256_final(&c, hex);
}

/* ------------------------------------------------------------------ JSON
 * Rows stored before schema 3 have no digest: their documents are checked
 * to be one JSON value (RFC 8259 syntax; depth at most 512) instead. */

typedef struct jp {
	const unsigned char *p, *end;
	int depth;
} jp;

static int is_digit(unsigned c) { return c >= '0' && c <= '9'; }

static void j_ws(jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int j_digits(jp *j)
{
	if (j->p >= j->end || !is_digit(*j->p))
		return 0;
	while (j->p < j->end && is_digit(*j->p))
		j->p++;
	return 1;
}

static int j_string(jp *j)
{
	j->p++; /* the opening quote */
	while (j->p < j->end) {
		unsigned c = *j->p++;
		if (c == '"')
			return 1;
		if (c < 0x20)
			return 0;
		if (c != '\\')
			continue;
		if (j->p >= j->end)
			return 0;
		c = *j->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, j->p++)
				if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
					return 0;
		} else if (!c || !strchr("\"\\/bfnrt", (int)c)) {
			return 0;
		}
	}
	return 0;
}

static int j_word(jp *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int j_value(jp *j)
{
	j_ws(j);
	if (j->p >= j->end)
		return 0;
	switch (*j->p) {
	case '{':
	case '[': {
		unsigned char close = *j->p == '{' ? '}' : ']';
		if (++j->depth > 512)
			return 0;
		j->p++;
		j_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return 1;
		}
		for (;;) {
			if (close == '}') {
				j_ws(j);
				if (j->p >= j->end || *j->p != '"' || !j_string(j))
					return 0;
				j_ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return 0;
			}
			if (!j_value(j))
				return 0;
			j_ws(j);
			if (j->p >= j->end)
				return 0;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return 0;
			j->depth--;
			return 1;
		}
	}
	case '"': return j_string(j);
	case 't': return j_word(j, "true");
	case 'f': return j_word(j, "false");
	case 'n': return j_word(j, "null");
	default:
		if (*j->p == '-')
			j->p++;
		if (j->p < j->end && *j->p == '0')
			j->p++;
		else if (!j_digits(j))
			return 0;
		if (j->p < j->end && *j->p == '.') {
			j->p++;
			if (!j_digits(j))
				return 0;
		}
		if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
			j->p++;
			if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
				j->p++;
			if (!j_digits(j))
				return 0;
		}
		return 1;
	}
}

/* True when s[0..n) is one JSON value, with optional white space around. */
static int json_ok(const char *s, size_t n)
{
	jp j = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };
	if (!j_value(&j))
		return 0;
	j_ws(&j);
	return j.p == j.end;
}

int fo_snapshot_report_run(fo_snapshot_report_writer *w, const char *scenario, uint64_t apps_down,
			   uint64_t nodes_down, const char *whatif, size_t len)
{
	char hex[65];
	if (!w || !scenario || !whatif || len > INT_MAX)
		return FO_EINVAL;
	run_digest(hex, w->nruns, scenario, whatif, len);
	sqlite3_bind_int64(w->ins_run, 2, (sqlite3_int64)w->nruns);
	bind_text(w->ins_run, 3, scenario);
	sqlite3_bind_int64(w->ins_run, 4, (sqlite3_int64)apps_down);
	sqlite3_bind_int64(w->ins_run, 5, (sqlite3_int64)nodes_down);
	sqlite3_bind_text(w->ins_run, 6, whatif, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(w->ins_run, 7, hex, -1, SQLITE_STATIC);
	int err = step_reset(&w->s, w->ins_run);
	sqlite3_clear_bindings(w->ins_run);
	sqlite3_bind_int64(w->ins_run, 1, w->report_id);
	if (err == FO_OK)
		w->nruns++;
	return err;
}

static int report_seal(store *s, sqlite3_int64 id);

int fo_snapshot_report_commit(fo_snapshot_report_writer *w, const char *spof, size_t len,
			      int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int err = FO_OK;

	if (!w)
		return FO_EINVAL;
	if (len > INT_MAX) {
		err = FO_EINVAL;
		goto done;
	}
	if ((err = prepare(&w->s, "UPDATE reports SET runs = ?, spof = ? WHERE id = ?", &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)w->nruns);
	if (spof)
		sqlite3_bind_text(st, 2, spof, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, w->report_id);
	if ((err = step_reset(&w->s, st)) < 0 || (err = report_seal(&w->s, w->report_id)) < 0)
		goto done;
	if ((err = exec(&w->s, "COMMIT", "cannot commit the report")) < 0)
		goto done;
	w->s.txn = 0;
	if (id)
		*id = w->report_id;
done:
	sqlite3_finalize(st);
	fo_snapshot_report_free(w);
	return err;
}

void fo_snapshot_report_info_free(fo_snapshot_report_info *v, size_t count)
{
	if (!v)
		return;
	for (size_t i = 0; i < count; i++) {
		free(v[i].snapshot);
		free(v[i].created_at);
		free(v[i].title);
		free(v[i].input);
		free(v[i].scenarios_file);
		free(v[i].scenarios_sha256);
		free(v[i].inventory);
	}
	free(v);
}

/* A stored report's row: the report, its snapshot's label and inventory
 * (LEFT JOIN: a report whose snapshot is gone is damage, not invisible) and
 * its digest (schema 3; NULL before). */
#define REPORT_COLS(digest)                                                                     \
	"SELECT r.id, s.label AS \"snapshots.label\", r.created_at, r.title, r.input,"            \
	" r.scenarios_file, r.scenarios_sha256, s.inventory AS \"snapshots.inventory\", r.runs," \
	" r.spof, " digest ", s.id AS snapshot_id"                                                \
	" FROM reports r LEFT JOIN snapshots s ON s.id = r.snapshot_id"
static const char report_cols3[] = REPORT_COLS("r.digest");
static const char report_cols2[] = REPORT_COLS("NULL AS digest");

/* Fills e from a row of REPORT_COLS after checking every column, and the
 * report's digest (or, for a row without one, its SPOF document as JSON).
 * *spof and *spof_len (may be NULL) borrow the SPOF document until the next
 * step; *sealed says whether the report has a digest (then every run must
 * have one too). */
static int report_row(const row *r, fo_snapshot_report_info *e, const char **spof,
		      size_t *spof_len, int *sealed)
{
	sqlite3_int64 num;
	const char *doc, *digest;
	size_t len;
	char hex[65];
	int err;

	memset(e, 0, sizeof *e);
	if ((err = get_int(r, 0, 1, INT64_MAX, &num)) < 0)
		return err;
	e->id = num;
	if (sqlite3_column_type(r->st, 11) == SQLITE_NULL)
		return row_damaged(r, "snapshot_id names no snapshot");
	if ((err = dup_text(&e->snapshot, r, 1, 0)) < 0 || (err = dup_text(&e->created_at, r, 2, 0)) < 0 ||
	    (err = dup_text(&e->title, r, 3, 1)) < 0 || (err = dup_text(&e->input, r, 4, 0)) < 0 ||
	    (err = dup_text(&e->scenarios_file, r, 5, 0)) < 0 ||
	    (err = dup_text(&e->scenarios_sha256, r, 6, 0)) < 0 ||
	    (err = dup_text(&e->inventory, r, 7, 1)) < 0 || (err = get_int(r, 8, 0, INT64_MAX, &num)) < 0 ||
	    (err = get_text(r, 9, 1, &doc, &len)) < 0 || (err = get_text(r, 10, 1, &digest, NULL)) < 0)
		return err;
	e->runs = (uint64_t)num;
	*sealed = digest != NULL;
	if (digest) {
		report_digest(hex, e, doc, len);
		if (strcmp(hex, digest) != 0)
			return row_damaged(r, "its content does not match its digest");
	} else if (doc && !json_ok(doc, len)) {
		return row_damaged(r, "spof is not a JSON document");
	}
	if (spof) {
		*spof = doc;
		*spof_len = len;
	}
	return FO_OK;
}

/* Computes and stores the digest of report id (inside the writer's
 * transaction), from the row as it reads back. */
static int report_seal(store *s, sqlite3_int64 id)
{
	sqlite3_stmt *st = NULL;
	fo_snapshot_report_info e = { 0 };
	const char *doc = NULL;
	size_t len = 0;
	char hex[65], sql[sizeof report_cols3 + 32];
	int err, rc, sealed;
	row r = { s, NULL, "reports", 1 };

	snprintf(sql, sizeof sql, "%s WHERE r.id = ?", report_cols3);
	if ((err = prepare(s, sql, &st)) < 0)
		goto done;
	r.st = st;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = sql_fail(s, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "cannot store the report");
		goto done;
	}
	if ((err = report_row(&r, &e, &doc, &len, &sealed)) < 0)
		goto done;
	report_digest(hex, &e, doc, len);
	sqlite3_finalize(st);
	st = NULL;
	if ((err = prepare(s, "UPDATE reports SET digest = ? WHERE id = ?", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	err = step_reset(s, st);
done:
	sqlite3_finalize(st);
	free(e.snapshot);
	free(e.created_at);
	free(e.title);
	free(e.input);
	free(e.scenarios_file);
	free(e.scenarios_sha256);
	free(e.inventory);
	return err;
}

int fo_snapshot_reports(fo_snapshot_report_info **out, size_t *count, const char *db_path,
			fo_diag *diag)
{
	store s = { 0 };
	sqlite3_stmt *st = NULL;
	fo_snapshot_report_info *v = NULL;
	size_t len = 0, alloc = 0;
	int err = FO_OK, rc, sealed;
	char sql[sizeof report_cols3 + 32];
	row r = { &s, NULL, "reports", 1 };

	if (!out || !count || !db_path)
		return FO_EINVAL;
	*out = NULL;
	*count = 0;
	if ((err = store_open(&s, db_path, 0, diag)) < 0)
		return err;
	if (s.version < 2) /* no report stored yet */
		goto done;
	snprintf(sql, sizeof sql, "%s ORDER BY r.id", s.version >= 3 ? report_cols3 : report_cols2);
	if ((err = prepare(&s, sql, &st)) < 0)
		goto done;
	r.st = st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = grow((void **)&v, &alloc, len, sizeof *v)) < 0)
			goto done;
		if ((err = report_row(&r, &v[len++], NULL, NULL, &sealed)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		err = sql_fail(&s, rc, "cannot read the database");
		goto done;
	}
	*out = v;
	*count = len;
	v = NULL;
done:
	fo_snapshot_report_info_free(v, len);
	sqlite3_finalize(st);
	store_close(&s);
	return err;
}

/* One pass over the runs of report e: checks each (seq in order, text,
 * digest when sealed, else the whatif document as JSON) and, when run is
 * not NULL, hands it over. */
static int report_runs(store *s, sqlite3_stmt *st, const fo_snapshot_report_info *e, int sealed,
		       int (*run)(void *ctx, uint64_t seq, const char *scenario, const char *whatif,
				  size_t len),
		       void *ctx)
{
	row r = { s, st, "runs", 2 };
	uint64_t expect = 0;
	sqlite3_int64 seq;
	const char *name, *w, *digest;
	size_t len;
	char hex[65];
	int err, rc;

	sqlite3_reset(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((err = get_int(&r, 1, 0, INT64_MAX, &seq)) < 0)
			return err;
		if ((uint64_t)seq != expect)
			return row_damaged(&r, "run %llu is missing", (unsigned long long)expect);
		expect++;
		if ((err = get_text(&r, 2, 0, &name, NULL)) < 0 ||
		    (err = get_text(&r, 3, 0, &w, &len)) < 0 ||
		    (err = get_text(&r, 4, !sealed, &digest, NULL)) < 0)
			return err;
		if (!run) {
			if (digest) {
				run_digest(hex, (uint64_t)seq, name, w, len);
				if (strcmp(hex, digest) != 0)
					return row_damaged(&r, "its content does not match its digest");
			} else if (!json_ok(w, len)) {
				return row_damaged(&r, "whatif is not a JSON document");
			}
		} else if ((err = run(ctx, (uint64_t)seq, name, w, len)) != 0) {
			return err;
		}
	}
	if (rc != SQLITE_DONE)
		return sql_fail(s, rc, "cannot read the database");
	if (expect != e->runs) {
		if (s->diag)
			fo_diag_add_code(s->diag, FO_SEV_ERROR, "snapshot", s->path, 0, 0, NULL,
				    "damaged: reports row %lld: runs is %llu but %llu runs rows are stored",
				    (long long)e->id, (unsigned long long)e->runs,
				    (unsigned long long)expect);
		return FO_EINPUT;
	}
	return FO_OK;
}

int fo_snapshot_report_read(const char *db_path, int64_t id,
			    int (*head)(void *ctx, const fo_snapshot_report_info *info),
			    int (*run)(void *ctx, uint64_t seq, const char *scenario,
				       const char *whatif, size_t len),
			    void *ctx, fo_snapshot_report_info **info, char **spof, size_t *spof_len,
			    fo_diag *diag)
{
	store s = { 0 };
	sqlite3_stmt *st = NULL;
	fo_snapshot_report_info *e = NULL;
	char *doc = NULL;
	const char *t;
	size_t doc_len = 0;
	int err = FO_OK, rc, sealed = 0;
	char sql[sizeof report_cols3 + 32];
	row r = { &s, NULL, "reports", 1 };

	if (!db_path || !run || !info || !spof || !spof_len)
		return FO_EINVAL;
	*info = NULL;
	*spof = NULL;
	*spof_len = 0;
	if ((err = store_open(&s, db_path, 0, diag)) < 0)
		return err;
	/* One read transaction: the report and its runs from one state. */
	if ((err = exec(&s, "BEGIN", "cannot read the database")) < 0)
		goto done;
	s.txn = 1;
	if (s.version < 2) {
		err = say(&s, FO_ENOTFOUND, "no stored report%s (see fallout db reports)", "");
		goto done;
	}
	snprintf(sql, sizeof sql, "%s WHERE r.id = ?", s.version >= 3 ? report_cols3 : report_cols2);
	if ((err = prepare(&s, sql, &st)) < 0)
		goto done;
	r.st = st;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			char num[32];
			snprintf(num, sizeof num, "%lld", (long long)id);
			err = say(&s, FO_ENOTFOUND, "no stored report %s (see fallout db reports)", num);
		} else {
			err = sql_fail(&s, rc, "cannot read the database");
		}
		goto done;
	}
	if (!(e = calloc(1, sizeof *e))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = report_row(&r, e, &t, &doc_len, &sealed)) < 0)
		goto done;
	if (t) {
		if (!(doc = malloc(doc_len + 1))) {
			err = FO_ENOMEM;
			goto done;
		}
		memcpy(doc, t, doc_len);
		doc[doc_len] = 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((err = prepare(&s, s.version >= 3 ? "SELECT report_id, seq, scenario, whatif, digest FROM runs"
						" WHERE report_id = ? ORDER BY seq"
					      : "SELECT report_id, seq, scenario, whatif, NULL AS digest"
						" FROM runs WHERE report_id = ? ORDER BY seq",
			   &st)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	/* Everything is proven intact before the first byte is handed over:
	 * a damaged run must not leave half a document on standard output. */
	if ((err = report_runs(&s, st, e, sealed, NULL, NULL)) < 0 ||
	    (head && (err = head(ctx, e)) != 0) || (err = report_runs(&s, st, e, sealed, run, ctx)) != 0)
		goto done;
	*info = e;
	e = NULL;
	*spof = doc;
	*spof_len = doc_len;
	doc = NULL;
done:
	free(doc);
	fo_snapshot_report_info_free(e, 1);
	sqlite3_finalize(st);
	store_close(&s);
	return err;
}
