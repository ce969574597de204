/*
 * fo_snapshot.h — snapshots of inventories in an SQLite database (the
 * embedded default store; design note and schema in docs/snapshots.md).
 *
 * A snapshot is one imported inventory graph, stored whole (nodes with every
 * attribute and property, containment, explicit groups with their members,
 * copies) with its label, the source file's name and sha256, and the import
 * time, and (schema 4) its compiled copy: the graph's arrays as built,
 * checksummed. Loading reads the compiled copy when it is sound, else
 * rebuilds the graph from the rows through the fo_builder in the original
 * order (with a warning on diag, code "compiled-copy", when a copy was
 * there but not used); either way node and group indices — hence every
 * engine result and cause — are those of the XML load.
 *
 * Safety: a file that is not an SQLite database, an SQLite database without
 * fallout's tables, a database from a newer schema, or a corrupt database
 * gets a clear error ("DB: error: ...", no line) and is never modified. Each
 * write is one transaction (BEGIN IMMEDIATE ... COMMIT) in WAL mode with
 * foreign keys on: a failed, interrupted or killed import leaves the
 * database as it was. A writer waits for another one at most the busy
 * timeout: 5000 ms, or FALLOUT_BUSY_TIMEOUT_MS from the environment (a
 * decimal number of milliseconds; tests use a short one).
 *
 * Errors: FO_EINPUT (not SQLite, not fallout's, newer schema, corrupt or
 * damaged: every value read back is checked by type and range, and damage
 * is "damaged: TABLE row KEY: what is wrong"; docs/snapshots.md), FO_EIO (cannot open or create, read-only file or directory,
 * locked longer than the busy timeout, disk full), FO_ENOTFOUND (no such
 * label; no snapshot at all), FO_EINVAL (bad argument; label taken or
 * malformed), FO_ENOMEM. Every error has its message on diag (may be NULL).
 * Functions are safe to call from several threads on distinct handles.
 */
#ifndef FO_SNAPSHOT_H
#define FO_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "fo_diag.h"
#include "fo_graph.h"

/* The schema this library writes and the newest it can read. */
#define FO_SNAPSHOT_SCHEMA 5

typedef struct fo_snapshot_info {
	char *label;
	char *imported_at; /* ISO 8601 UTC, "2026-11-25T21:19:28Z" */
	char *source;      /* the inventory file's name as given to import */
	char *sha256;      /* 64 lowercase hex digits of the file's bytes */
	char *inventory;   /* the inventory's name attribute, or NULL */
	uint64_t nodes;
} fo_snapshot_info;

/* True when path names an existing regular file that begins with SQLite's
 * 16-byte header "SQLite format 3\0" (what makes an argument a snapshot
 * database rather than an inventory XML, whatever its extension). */
int fo_snapshot_is_db(const char *path);

/* Stores g as a new snapshot in db_path (created when missing, schema
 * migrated forward when older). label NULL = the import time, ISO 8601 UTC
 * with seconds. A label must be non-empty and without '@' (it follows the
 * '@' of FILE.db@LABEL) and unique in the database: a taken label is
 * FO_EINVAL. source_path and sha256_hex (may be NULL: stored as "") describe
 * the file g came from. *out_label (may be NULL) receives the label used,
 * malloc'd: free(). One transaction; O(graph) time. */
int fo_snapshot_save(char **out_label, const char *db_path, const fo_graph *g,
		     const char *label, const char *source_path, const char *sha256_hex,
		     fo_diag *diag);

/* Loads the snapshot `label` (NULL = the newest: the last imported) of
 * db_path, opened read-only. On FO_OK *out is a new graph owned by the
 * caller (fo_graph_free) whose fo_graph_file() is "DB@LABEL"; its line
 * numbers are those of the source file. A compiled copy not used adds a
 * warning to diag and is not an error. O(graph) time: reading the compiled
 * copy, or rebuilding from the rows. */
int fo_snapshot_load(fo_graph **out, const char *db_path, const char *label, fo_diag *diag);

/* Every snapshot of db_path, oldest first. *out (count entries) is owned by
 * the caller: fo_snapshot_list_free. A database without snapshots, or an
 * empty file, gives 0 entries. */
int fo_snapshot_list(fo_snapshot_info **out, size_t *count, const char *db_path, fo_diag *diag);
void fo_snapshot_list_free(fo_snapshot_info *v, size_t count);

/* Deletes the snapshot `label` and everything it holds (ON DELETE CASCADE),
 * in one transaction. FO_ENOTFOUND if there is no such label. */
int fo_snapshot_remove(const char *db_path, const char *label, fo_diag *diag);

/* ------------------------------------------------------------ reports
 * `fallout report` on a snapshot stores its runs with it (schema 2; with a
 * sha256 digest per run and per report since schema 3): each
 * scenario's name, counts and whatif JSON document, and the report's SPOF
 * JSON, so a report can be listed, regenerated and compared later without
 * recomputing. A stored report is written in one transaction, begun before
 * the first run and committed after the last: a failed or killed report
 * stores nothing. The documents are stored as given (the JSON contracts of
 * docs/output-formats.md and docs/spof.md). */

typedef struct fo_snapshot_report_writer fo_snapshot_report_writer;

/* What a stored report is about; strings borrowed during the call. */
typedef struct fo_snapshot_report_meta {
	const char *title;            /* the scenario file's name=, or NULL */
	const char *input;            /* "DB@LABEL" as the report names it */
	const char *scenarios_file;   /* the scenario file's path */
	const char *scenarios_sha256; /* its sha256, 64 hex digits, or NULL */
} fo_snapshot_report_meta;

/* Opens db_path for writing (migrating it to this schema), takes the write
 * lock and starts the report on snapshot `label` (NULL = the newest). *out
 * owned by the caller: commit it, or free it to store nothing. Errors as
 * for fo_snapshot_save; FO_ENOTFOUND for no such label. */
int fo_snapshot_report_begin(fo_snapshot_report_writer **out, const char *db_path,
			     const char *label, const fo_snapshot_report_meta *meta, fo_diag *diag);
/* Stores run `seq` (0, 1, ... in order). whatif: len bytes, copied. */
int fo_snapshot_report_run(fo_snapshot_report_writer *w, const char *scenario, uint64_t apps_down,
			   uint64_t nodes_down, const char *whatif, size_t len);
/* Stores the SPOF document (may be NULL) and commits; *id (may be NULL)
 * receives the report's id. The writer is freed either way. */
int fo_snapshot_report_commit(fo_snapshot_report_writer *w, const char *spof, size_t len,
			      int64_t *id);
/* Rolls back whatever was not committed and frees. */
void fo_snapshot_report_free(fo_snapshot_report_writer *w);

/* A stored report. Strings malloc'd, freed by fo_snapshot_report_info_free. */
typedef struct fo_snapshot_report_info {
	int64_t id;
	char *snapshot; /* label */
	char *created_at;
	char *title; /* may be NULL */
	char *input;
	char *scenarios_file;
	char *scenarios_sha256;
	char *inventory; /* the snapshot's inventory name, may be NULL */
	uint64_t runs;
} fo_snapshot_report_info;

/* Every stored report of db_path, oldest first (read-only). Each report
 * row is checked (types, its snapshot, its digest): FO_EINPUT if damaged. */
int fo_snapshot_reports(fo_snapshot_report_info **out, size_t *count, const char *db_path,
			fo_diag *diag);
void fo_snapshot_report_info_free(fo_snapshot_report_info *v, size_t count);

/* Streams stored report `id` (read-only, one read transaction): calls
 * head() (may be NULL) with the report before any run, run() once per run in
 * order with its seq, scenario name and whatif document, then gives the
 * SPOF document (NULL if none) in *spof (malloc'd: free()) and the report
 * in *info (one entry: fo_snapshot_report_info_free(info, 1)). A callback
 * returning non-zero stops with that code. FO_ENOTFOUND for no such id.
 * The whole report is checked before head() is called (schema 3 digests,
 * or JSON syntax for rows stored before): a damaged report is FO_EINPUT
 * ("damaged: runs row (report_id 1, seq 2): ...") with no callback made.
 * O(report size), read twice. */
int fo_snapshot_report_read(const char *db_path, int64_t id,
			    int (*head)(void *ctx, const fo_snapshot_report_info *info),
			    int (*run)(void *ctx, uint64_t seq, const char *scenario,
				       const char *whatif, size_t len),
			    void *ctx, fo_snapshot_report_info **info, char **spof, size_t *spof_len,
			    fo_diag *diag);

#endif
