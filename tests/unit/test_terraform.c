/*
 * test_terraform.c — the Terraform importer (importers/fo_terraform.h) on
 * the real files of tests/importers/terraform/ (infracost's show -json of a
 * state with modules three levels deep; driftctl's raw v4 state with
 * dangling dependencies and an Azure data source) and on small files of
 * our own (every AWS rule, GCP/Azure/Tencent, raw v3, a plan, UTF-16 with
 * a BOM): counts that account for every resource, chosen facts checked
 * with the engine on the built graph, secrets never kept, and every error
 * path (bad JSON located, unknown format, UTF-16 without BOM, truncated,
 * size and depth limits, hostile addresses, all errors in one run).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_model.h"
#include "importers/fo_terraform.h"
#include "helpers/fixture.h"

#define DIR "tests/importers/terraform/"

typedef struct tf {
	fo_diag *d;
	fo_model *m;
	fo_graph *g;
	fo_engine *e;
	int err;
} tf;

/* Reads path with options ("key", "value", ..., NULL); the status in t->err. */
static void tf_read(tf *t, const char *path, ...)
{
	va_list ap;
	memset(t, 0, sizeof *t);
	assert_int_equal(fo_diag_new(&t->d, 0), FO_OK);
	assert_int_equal(fo_model_new(&t->m, t->d), FO_OK);
	assert_int_equal(fo_model_source_begin(t->m, path, "terraform", "tf", 0, NULL), FO_OK);
	va_start(ap, path);
	for (const char *k; (k = va_arg(ap, const char *));)
		assert_int_equal(fo_model_set_option(t->m, k, va_arg(ap, const char *)), FO_OK);
	va_end(ap);
	t->err = fo_terraform_read(t->m, path);
}

static void tf_build(tf *t)
{
	assert_int_equal(t->err, FO_OK);
	assert_int_equal(fo_model_build(t->m, &t->g), FO_OK);
	assert_int_equal(fo_engine_new(&t->e, t->g), FO_OK);
}

static void tf_free(tf *t)
{
	fo_engine_free(t->e);
	fo_graph_free(t->g);
	fo_model_free(t->m);
	fo_diag_free(t->d);
}

static char *mem_text(int which, const tf *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	if (which == 0)
		fo_diag_print(t->d, fp);
	else if (which == 1)
		assert_int_equal(fo_model_explain(t->m, fp), FO_OK);
	else
		assert_int_equal(fo_model_summary(t->m, fp), FO_OK);
	fclose(fp);
	return buf;
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "missing: %s\nin:\n%s\n", needle, hay);
		fail();
	}
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static uint32_t node_of(const tf *t, const char *id)
{
	uint32_t n;
	if (fo_model_lookup(t->m, id, &n) != FO_OK) {
		fprintf(stderr, "no node %s\n", id);
		fail();
	}
	return n;
}

static const char *prop_of(const tf *t, const char *id, const char *key)
{
	fo_model_node n;
	fo_model_node_get(t->m, node_of(t, id), &n);
	for (size_t i = 0; i < n.nprops; i++)
		if (!strcmp(n.props[i].key, key))
			return n.props[i].value;
	return NULL;
}

static const char *kind_of(const tf *t, const char *id)
{
	fo_model_node n;
	fo_model_node_get(t->m, node_of(t, id), &n);
	return n.kind;
}

/* The id of the graph container of id, or "" when none. */
static const char *container_of(const tf *t, const char *id)
{
	uint32_t c = fo_graph_node_container(t->g, fx_id(t->g, id));
	return c == FO_NONE ? "" : fo_graph_node_id(t->g, c);
}

/* Fails the space-separated ids and returns the state of `id`. */
static fo_state state_after(tf *t, const char *fail_ids, const char *id)
{
	char scen[2048] = "", *tok, *save = NULL, buf[1024];
	snprintf(buf, sizeof buf, "%s", fail_ids);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		strcat(scen, "fail:");
		strcat(scen, tok);
		strcat(scen, " ");
	}
	assert_int_equal(fx_run(t->e, scen), FO_OK);
	return fo_engine_state(t->e, fx_id(t->g, id));
}

/* No kept property, name or message holds a value the allow-list refuses. */
static void assert_no_secret(const tf *t, const char *secret)
{
	char *d = mem_text(0, t), *x = mem_text(1, t);
	assert_null(strstr(d, secret));
	assert_null(strstr(x, secret));
	free(d);
	free(x);
	for (uint32_t i = 0; i < fo_model_node_count(t->m); i++) {
		fo_model_node n;
		fo_model_node_get(t->m, i, &n);
		assert_null(n.name && strstr(n.name, secret) ? n.name : NULL);
		for (size_t p = 0; p < n.nprops; p++)
			assert_null(strstr(n.props[p].value, secret));
	}
}

static char *tmp_write(const void *data, size_t n)
{
	static char path[64];
	strcpy(path, "/tmp/fallout-test-tf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

/* ------------------------------------------------------- the real files */

static void infracost_show_json(void **state)
{
	(void)state;
	tf t;
	tf_read(&t, DIR "infracost-tf0.14-state.show.json", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	char *sum = mem_text(2, &t), *x = mem_text(1, &t), *d = mem_text(0, &t);
	/* 14 managed resources in 3 module levels + 4 data sources; the
	 * creation order names 8 resources the file does not hold (IAM
	 * roles, an option group...), each warned and counted. */
	assert_string_equal(sum, DIR "infracost-tf0.14-state.show.json (terraform): 18 objects: "
				 "18 nodes, 0 folded, 4 skipped; 8 dangling references (--explain-import)\n");
	assert_has(x, "  aws_instance: 6 read; 6 nodes (vm 6)\n");
	assert_has(x, "  aws_db_instance: 1 read; 1 node (db 1)\n");
	assert_has(x, "  aws_iam_role: 1 read; 1 node (resource 1)\n");
	assert_has(x, "  aws_subnet_ids: 2 read; 2 skipped: data source (read by Terraform, not "
		      "managed)");
	assert_has(x, "  zone: created; 2 nodes (zone 2)\n");
	/* The subnet every instance names is not in the file: one warning per
	 * reference, with the JSON path, and one placeholder node. */
	assert_int_equal(count_of(d, "\"subnet-286f234e\" is not a resource of this file"), 6);
	assert_has(d, "infracost-tf0.14-state.show.json: warning: "
		      "values.root_module.child_modules[1].resources[2].subnet_id "
		      "(module.instances.aws_instance.module_instance_counted[0]): "
		      "\"subnet-286f234e\" is not a resource of this file; the placeholder node "
		      "ref/subnet-286f234e stands for it\n");
	/* depends_on naming resources absent from the file: warned, no edge. */
	assert_has(d, "values.root_module.child_modules[0].child_modules[0].child_modules[0]."
		      "resources[0].depends_on[8] "
		      "(module.db.module.db_1.module.db_instance.aws_db_instance.this[0]): depends "
		      "on module.db.module.db_1.random_password.master_password, which is not in "
		      "the file");
	assert_int_equal(fo_diag_warnings(t.d), 8);
	assert_int_equal(fo_diag_errors(t.d), 0);

	/* The RDS instance with multi_az false sits in us-east-1f: failing that
	 * zone takes it down; us-east-1b takes the instances, not the DB. */
	const char *db = "tf:module.db.module.db_1.module.db_instance.aws_db_instance.this[0]";
	assert_string_equal(kind_of(&t, db), "db");
	assert_string_equal(prop_of(&t, db, "multi_az"), "false");
	assert_string_equal(prop_of(&t, db, "engine"), "mysql");
	assert_string_equal(container_of(&t, db), "tf:zone/us-east-1f");
	assert_string_equal(container_of(&t, "tf:zone/us-east-1f"), "tf:region/us-east-1");
	assert_int_equal(state_after(&t, "tf:zone/us-east-1f", db), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/us-east-1b", db), FO_STATE_UP);
	assert_int_equal(state_after(&t, "tf:zone/us-east-1b",
				     "tf:module.instances.aws_instance.module_instance_named[\"test.1\"]"),
			 FO_STATE_DOWN);
	/* A string index with a dot is one address, not split. */
	assert_string_equal(prop_of(&t, "tf:aws_instance.instance_named[\"test.1\"]", "tags.Name"),
			    "test.1");
	/* The password of the DB instance is never kept. */
	assert_no_secret(&t, "YourPwdShouldBeLongAndSecure");
	assert_null(prop_of(&t, db, "password"));
	free(sum);
	free(x);
	free(d);
	tf_free(&t);
}

static void driftctl_raw_v4(void **state)
{
	(void)state;
	tf t;
	tf_read(&t, DIR "driftctl-aws-lb-listener.tfstate", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	char *x = mem_text(1, &t), *d = mem_text(0, &t);
	assert_has(x, "7 objects read, 8 nodes, 1 folded, 1 skipped");
	assert_has(x, "  azurerm_resource_group: 1 read; 1 skipped: data source (read by "
		      "Terraform, not managed) (data.azurerm_resource_group.raphael-dev)\n");
	assert_has(x, "  aws_lb_listener: 1 read; 1 folded into its load balancer\n");
	assert_has(x, "  aws_security_group: 1 read; 1 node (resource 1)\n");
	/* Each dangling reference warned where it is: aws_vpc.main by 6
	 * resources, aws_subnet.main-2 by the LB and its listener, and the
	 * LB's second subnet by id. */
	assert_int_equal(count_of(d, "depends on aws_vpc.main, which is not in the file"), 6);
	assert_int_equal(count_of(d, "depends on aws_subnet.main-2, which is not in the file"), 2);
	assert_has(d, "driftctl-aws-lb-listener.tfstate: warning: resources[3].instances[0]."
		      "dependencies[2] (aws_lb_listener.front_end): depends on aws_subnet.main-2");
	assert_has(d, "driftctl-aws-lb-listener.tfstate: warning: resources[2].instances[0]."
		      "subnets[0] (aws_lb.test): \"subnet-00499e85b962e382f\" is not a resource of "
		      "this file");
	assert_int_equal(fo_diag_warnings(t.d), 9);
	/* The LB over two subnets: losing us-east-1a (main-1) does not take it
	 * down; losing both subnets does. The listener's target group is needed. */
	assert_string_equal(kind_of(&t, "tf:aws_lb.test"), "lb");
	assert_string_equal(container_of(&t, "tf:aws_subnet.main-1"), "tf:zone/us-east-1a");
	assert_int_not_equal(state_after(&t, "tf:zone/us-east-1a", "tf:aws_lb.test"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/us-east-1a tf:ref/subnet-00499e85b962e382f",
				     "tf:aws_lb.test"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:aws_lb_target_group.test", "tf:aws_lb.test"),
			 FO_STATE_DOWN);
	/* Creation order is a property, not a dependency. */
	assert_string_equal(prop_of(&t, "tf:aws_lb.test", "depends_on"),
			    "aws_security_group.lb_sg, aws_subnet.main-1, aws_subnet.main-2, aws_vpc.main");
	assert_int_equal(state_after(&t, "tf:aws_security_group.lb_sg", "tf:aws_lb.test"),
			 FO_STATE_UP);
	free(x);
	free(d);
	tf_free(&t);
}

/* ------------------------------------------------------- our own files */

static void aws_rules(void **state)
{
	(void)state;
	tf t;
	tf_read(&t, DIR "aws-full.tfstate", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	char *x = mem_text(1, &t);
	assert_has(x, "31 objects read, 26 nodes, 8 folded, 2 skipped");
	assert_has(x, "  aws_instance: 5 read; 4 nodes (vm 4); 1 skipped: deposed object (being "
		      "replaced) (aws_instance.old)\n");
	assert_has(x, "  aws_route_table_association: 3 read; 3 folded into its subnet\n");
	assert_has(x, "  aws_lb_target_group_attachment: 2 read; 2 folded into its target group\n");
	assert_has(x, "  random_password: 1 read; 1 node (resource 1)\n");
	free(x);
	/* The single NAT gateway in us-east-1a: the private subnets of every
	 * zone route through it, so failing us-east-1a takes down the web
	 * instance in us-east-1b, the ASG and the load balancers. */
	const char *web_b = "tf:aws_instance.web[\"q\\\"uote\"]";
	assert_string_equal(container_of(&t, "tf:aws_nat_gateway.gw"), "tf:zone/us-east-1a");
	assert_int_equal(state_after(&t, "tf:zone/us-east-1a", web_b), FO_STATE_DOWN);
	assert_int_equal(fo_engine_cause(t.e, fx_id(t.g, web_b)),
			 fx_id(t.g, "tf:aws_subnet.private[1]"));
	assert_int_equal(state_after(&t, "tf:zone/us-east-1a", "tf:aws_autoscaling_group.workers"),
			 FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/us-east-1a", "tf:aws_lb.front"), FO_STATE_DOWN);
	/* Without the NAT's zone: the LB needs 1 of its subnets and its target
	 * group 1 of two instances and the ASG. */
	assert_int_not_equal(state_after(&t, "tf:aws_subnet.private[0]", "tf:aws_lb.front"),
			     FO_STATE_DOWN);
	assert_int_not_equal(state_after(&t, "tf:aws_instance.web[\"a.b\"] tf:aws_instance.web[\"q\\\"uote\"]",
					 "tf:aws_lb_target_group.web"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:aws_instance.web[\"a.b\"] tf:aws_instance.web[\"q\\\"uote\"] "
				     "tf:aws_autoscaling_group.workers", "tf:aws_lb.front"),
			 FO_STATE_DOWN);
	/* ASG: min_size 2 of 3 subnets. */
	assert_int_not_equal(state_after(&t, "tf:aws_subnet.private[2]",
					 "tf:aws_autoscaling_group.workers"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:aws_subnet.private[1] tf:aws_subnet.private[2]",
				     "tf:aws_autoscaling_group.workers"), FO_STATE_DOWN);
	/* The volume attachment: the instance needs its volume. */
	assert_int_equal(state_after(&t, "tf:aws_ebs_volume.data", "tf:aws_instance.web[\"a.b\"]"),
			 FO_STATE_DOWN);
	/* RDS multi-AZ over a subnet group of two zones: 1 of us-east-1a/b. */
	assert_string_equal(container_of(&t, "tf:aws_db_instance.main"), "tf:region/us-east-1");
	assert_int_not_equal(state_after(&t, "tf:zone/us-east-1b", "tf:aws_db_instance.main"),
			     FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/us-east-1a tf:zone/us-east-1b",
				     "tf:aws_db_instance.main"), FO_STATE_DOWN);
	/* A subnet group of three zones: the standby's zone is unknown. */
	assert_string_equal(prop_of(&t, "tf:aws_db_instance.wide/standby", "zone"),
			    "unknown: another zone of the DB subnet group");
	assert_int_not_equal(state_after(&t, "tf:zone/us-east-1c", "tf:aws_db_instance.wide"),
			     FO_STATE_DOWN);
	/* S3 is regional; the classic ELB needs 1 of its zones and instances. */
	assert_string_equal(container_of(&t, "tf:aws_s3_bucket.logs"), "tf:region/us-east-1");
	assert_int_not_equal(state_after(&t, "tf:zone/us-east-1b", "tf:aws_elb.classic"),
			     FO_STATE_DOWN);
	/* Creation order only as a property; data sources named are no warning. */
	assert_string_equal(prop_of(&t, "tf:module.app.aws_instance.app[0]", "depends_on"),
			    "aws_lb.front, aws_db_instance.main, data.aws_ami.ubuntu");
	assert_int_equal(state_after(&t, "tf:aws_lb.front", "tf:module.app.aws_instance.app[0]"),
			 FO_STATE_UP);
	assert_int_equal(fo_diag_warnings(t.d), 0);
	assert_no_secret(&t, "SECRET");
	tf_free(&t);

	/* depends-on=degrades: soft dependencies on each instance named. */
	tf_read(&t, DIR "aws-full.tfstate", "depends-on", "degrades", NULL);
	tf_build(&t);
	assert_int_equal(state_after(&t, "tf:aws_lb.front", "tf:module.app.aws_instance.app[0]"),
			 FO_STATE_DEGRADED);
	assert_null(prop_of(&t, "tf:module.app.aws_instance.app[0]", "depends_on"));
	tf_free(&t);
	/* ignore: neither. */
	tf_read(&t, DIR "aws-full.tfstate", "depends-on", "ignore", NULL);
	tf_build(&t);
	assert_null(prop_of(&t, "tf:module.app.aws_instance.app[0]", "depends_on"));
	tf_free(&t);
}

static void gcp_azure_tencent(void **state)
{
	(void)state;
	tf t;
	tf_read(&t, DIR "gcp-azure-tencent.tfstate", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	/* GCP: the instance in its zone needs its subnetwork (regional); the
	 * regional MIG needs target_size 2 of its 3 zones; the backend service
	 * 1 of its groups; the REGIONAL SQL instance 1 of 2 zones. */
	assert_string_equal(container_of(&t, "tf:google_compute_instance.vm"), "tf:zone/us-central1-a");
	assert_string_equal(container_of(&t, "tf:google_compute_subnetwork.sub"),
			    "tf:region/us-central1");
	assert_int_not_equal(state_after(&t, "tf:zone/us-central1-a",
					 "tf:google_compute_region_instance_group_manager.rmig"),
			     FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/us-central1-a tf:zone/us-central1-b",
				     "tf:google_compute_region_instance_group_manager.rmig"),
			 FO_STATE_DOWN);
	assert_int_not_equal(state_after(&t, "tf:zone/us-central1-a",
					 "tf:google_compute_backend_service.be"), FO_STATE_DOWN);
	assert_int_not_equal(state_after(&t, "tf:zone/us-central1-a",
					 "tf:google_sql_database_instance.ha"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/us-central1-c",
				     "tf:google_sql_database_instance.single"), FO_STATE_DOWN);
	assert_string_equal(container_of(&t, "tf:google_storage_bucket.b"), "tf:region/us-central1");
	/* Azure: zone numbers within the location. */
	assert_string_equal(container_of(&t, "tf:azurerm_linux_virtual_machine.vm"),
			    "tf:zone/eastus-2");
	assert_string_equal(container_of(&t, "tf:zone/eastus-2"), "tf:region/eastus");
	assert_int_equal(state_after(&t, "tf:zone/eastus-1",
				     "tf:azurerm_linux_virtual_machine_scale_set.ss"), FO_STATE_DOWN);
	assert_int_not_equal(state_after(&t, "tf:zone/eastus-1",
					 "tf:azurerm_postgresql_flexible_server.pg"), FO_STATE_DOWN);
	assert_string_equal(container_of(&t, "tf:azurerm_storage_account.sa"),
			    "tf:region/westeurope");
	assert_string_equal(kind_of(&t, "tf:azurerm_resource_group.rg"), "resource");
	/* Tencent: multi-AZ MySQL survives its zone; the CLB 1 of its targets. */
	assert_int_not_equal(state_after(&t, "tf:zone/ap-guangzhou-3",
					 "tf:tencentcloud_mysql_instance.db"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/ap-guangzhou-4",
				     "tf:tencentcloud_mysql_instance.single"), FO_STATE_DOWN);
	assert_int_not_equal(state_after(&t, "tf:zone/ap-guangzhou-3",
					 "tf:tencentcloud_clb_instance.clb"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/ap-guangzhou-3 tf:zone/ap-guangzhou-4",
				     "tf:tencentcloud_clb_instance.clb"), FO_STATE_DOWN);
	assert_string_equal(container_of(&t, "tf:zone/ap-guangzhou-3"), "tf:region/ap-guangzhou");
	char *d = mem_text(0, &t);
	assert_has(d, "resources[14].instances[1].subnet_id (tencentcloud_instance.cvm[1]): "
		      "\"subnet-gone\" is not a resource of this file");
	assert_int_equal(fo_diag_warnings(t.d), 1);
	free(d);
	assert_no_secret(&t, "SECRET");
	tf_free(&t);
}

static void raw_v3_flat_maps(void **state)
{
	(void)state;
	tf t;
	tf_read(&t, DIR "v3-alb.tfstate", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	char *x = mem_text(1, &t), *d = mem_text(0, &t);
	assert_has(x, "6 objects read");
	assert_has(x, "  aws_ami: 1 read; 1 skipped: data source");
	/* "tags.%" makes tags a map: "tags.kubernetes.io/role" is one key. */
	assert_string_equal(prop_of(&t, "tf:aws_alb.front", "tags.Name"), "front");
	assert_string_equal(prop_of(&t, "tf:module.app.aws_instance.web[0]", "status"), "tainted");
	assert_string_equal(container_of(&t, "tf:module.app.aws_instance.web[1]"),
			    "tf:zone/eu-west-1b");
	/* "subnets.#" with hashed keys is the ALB's list of two subnets. */
	assert_int_not_equal(state_after(&t, "tf:zone/eu-west-1a", "tf:aws_alb.front"), FO_STATE_DOWN);
	assert_int_equal(state_after(&t, "tf:zone/eu-west-1a tf:zone/eu-west-1b", "tf:aws_alb.front"),
			 FO_STATE_DOWN);
	assert_has(d, "v3-alb.tfstate: warning: modules[0].resources[\"aws_alb.front\"].depends_on[2] "
		      "(aws_alb.front): depends on aws_security_group.gone, which is not in the file");
	/* "aws_subnet.a.*" (every instance) is in the file: no warning. */
	assert_int_equal(fo_diag_warnings(t.d), 1);
	free(x);
	free(d);
	tf_free(&t);
}

static void plan_and_encodings(void **state)
{
	(void)state;
	tf t;
	tf_read(&t, DIR "plan.show.json", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	/* planned_values; a new instance has no id yet, its subnet is found
	 * by the planned subnet's id. prior_state fills what the plan leaves
	 * unknown (the planned value wins), and what only the prior state has
	 * (destroyed by the plan) is not imported. */
	assert_int_equal(fo_graph_node_count(t.g), 7);
	assert_string_equal(container_of(&t, "tf:aws_instance.kept"), "tf:zone/us-west-2b");
	assert_string_equal(prop_of(&t, "tf:aws_instance.kept", "instance_type"), "t3.large");
	assert_string_equal(prop_of(&t, "tf:aws_instance.kept", "id"), "i-kept");
	assert_int_not_equal(fo_model_lookup(t.m, "tf:aws_instance.gone", &(uint32_t){ 0 }), FO_OK);
	assert_string_equal(container_of(&t, "tf:module.m.aws_s3_bucket.b[\"x.y\"]"),
			    "tf:region/us-west-2");
	assert_int_equal(state_after(&t, "tf:aws_subnet.s", "tf:aws_instance.new"), FO_STATE_DOWN);
	tf_free(&t);

	/* UTF-16LE with a BOM and CRLF, as PowerShell writes. */
	tf_read(&t, DIR "utf16le-bom-crlf.show.json", NULL);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	fo_model_node n;
	fo_model_node_get(t.m, node_of(&t, "tf:aws_instance.ü"), &n);
	assert_string_equal(n.name, "日本のサーバ");
	assert_string_equal(container_of(&t, "tf:aws_instance.ü"), "tf:zone/ap-northeast-1c");
	tf_free(&t);

	/* The same as UTF-16BE and as UTF-8 with a BOM. */
	static const char doc[] = "{\"format_version\":\"1.0\",\"values\":{\"root_module\":{"
				  "\"resources\":[{\"address\":\"aws_s3_bucket.é\",\"mode\":\"managed\","
				  "\"type\":\"aws_s3_bucket\",\"values\":{\"region\":\"eu-west-3\"}}]}}}";
	size_t n8 = strlen(doc);
	unsigned char be[1024], u8[1024];
	size_t nb = 0;
	be[nb++] = 0xfe;
	be[nb++] = 0xff;
	for (size_t i = 0; i < n8; i++) {
		unsigned char ch = (unsigned char)doc[i];
		if (ch == 0xc3) { /* é = U+00E9 */
			be[nb++] = 0;
			be[nb++] = 0xe9;
			i++;
			continue;
		}
		be[nb++] = 0;
		be[nb++] = ch;
	}
	tf_read(&t, tmp_write(be, nb), NULL);
	assert_int_equal(t.err, FO_OK);
	node_of(&t, "tf:aws_s3_bucket.é");
	unlink(fo_model_source_file(t.m, 0));
	tf_free(&t);
	memcpy(u8, "\xef\xbb\xbf", 3);
	memcpy(u8 + 3, doc, n8);
	tf_read(&t, tmp_write(u8, n8 + 3), NULL);
	assert_int_equal(t.err, FO_OK);
	node_of(&t, "tf:aws_s3_bucket.é");
	unlink(fo_model_source_file(t.m, 0));
	tf_free(&t);
}

/* Two states of one estate under one prefix (a network state, an
 * application state), in both orders: one zone node, and the application's
 * reference to a subnet of the network state resolves to it (read second:
 * by the earlier state's ids; read first: its placeholder is merged into
 * the subnet by same-as). */
static void two_states_one_prefix(void **state)
{
	(void)state;
	static const char net[] =
		"{\"version\":4,\"resources\":[{\"mode\":\"managed\",\"type\":\"aws_subnet\","
		"\"name\":\"a\",\"instances\":[{\"attributes\":{\"id\":\"subnet-a\","
		"\"availability_zone\":\"us-east-1a\"}}]}]}";
	static const char app[] =
		"{\"version\":4,\"resources\":[{\"mode\":\"managed\",\"type\":\"aws_instance\","
		"\"name\":\"web\",\"instances\":[{\"attributes\":{\"id\":\"i-1\","
		"\"availability_zone\":\"us-east-1a\",\"subnet_id\":\"subnet-a\"}}]}]}";
	char pn[64], pa[64];
	snprintf(pn, sizeof pn, "%s", tmp_write(net, strlen(net)));
	snprintf(pa, sizeof pa, "%s", tmp_write(app, strlen(app)));
	for (int order = 0; order < 2; order++) {
		tf t;
		memset(&t, 0, sizeof t);
		assert_int_equal(fo_diag_new(&t.d, 0), FO_OK);
		assert_int_equal(fo_model_new(&t.m, t.d), FO_OK);
		const char *first = order ? pa : pn, *second = order ? pn : pa;
		assert_int_equal(fo_model_source_begin(t.m, first, "terraform", "tf", 0, NULL), FO_OK);
		assert_int_equal(fo_terraform_read(t.m, first), FO_OK);
		assert_int_equal(fo_model_source_begin(t.m, second, "terraform", "tf", 0, NULL), FO_OK);
		assert_int_equal(fo_terraform_read(t.m, second), FO_OK);
		t.err = FO_OK;
		tf_build(&t);
		assert_int_equal(fo_diag_errors(t.d), 0);
		/* Read first, the application warned about the subnet it did not have. */
		assert_int_equal(fo_diag_warnings(t.d), order ? 1 : 0);
		assert_string_equal(container_of(&t, "tf:aws_instance.web"), "tf:zone/us-east-1a");
		assert_string_equal(container_of(&t, "tf:aws_subnet.a"), "tf:zone/us-east-1a");
		assert_int_equal(state_after(&t, "tf:aws_subnet.a", "tf:aws_instance.web"),
				 FO_STATE_DOWN);
		/* 2 resources, 1 zone, 1 region: no placeholder left. */
		assert_int_equal(fo_graph_node_count(t.g), 4);
		tf_free(&t);
	}
	unlink(pn);
	unlink(pa);
}

/* ------------------------------------------------------------- errors */

/* Reads `text` (n bytes; strlen when 0); returns the status and *diag the
 * printed diagnostics (the caller frees), with the temporary file's name
 * replaced by "F". */
static int read_text(const char *text, size_t n, char **diag, const char *k, const char *v)
{
	tf t;
	const char *p = tmp_write(text, n ? n : strlen(text));
	tf_read(&t, p, k, v, NULL);
	char *d = mem_text(0, &t);
	size_t pl = strlen(p);
	char *out = malloc(strlen(d) + 1);
	size_t o = 0;
	assert_non_null(out);
	for (size_t i = 0; d[i];) {
		if (!strncmp(d + i, p, pl)) {
			out[o++] = 'F';
			i += pl;
		} else {
			out[o++] = d[i++];
		}
	}
	out[o] = '\0';
	free(d);
	*diag = out;
	unlink(p);
	int err = t.err;
	tf_free(&t);
	return err;
}

static void errors_located(void **state)
{
	(void)state;
	char *d;
	/* Bad JSON: jansson's line and column. */
	assert_int_equal(read_text("{\n  \"version\": 4,\n  \"resources\": [\n    {,\n", 0, &d, NULL,
				   NULL), FO_EINPUT);
	assert_has(d, "F:4:6: error: invalid JSON: string or '}' expected near ','\n");
	free(d);
	/* Truncated: the end of input, located. */
	assert_int_equal(read_text("{\"version\": 4, \"resources\": [{\"type\": \"aws_s", 0, &d,
				   NULL, NULL), FO_EINPUT);
	assert_has(d, "F:1:");
	assert_has(d, "invalid JSON: ");
	free(d);
	/* Unknown format: what is there is named. */
	assert_int_equal(read_text("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}", 0, &d,
				   NULL, NULL), FO_EINPUT);
	assert_has(d, "F:1:1: error: not a Terraform state or plan: the top-level keys are "
		      "\"apiVersion\", \"kind\", \"items\" (expected");
	free(d);
	assert_int_equal(read_text("[1,2]", 0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "the top level is not a JSON object");
	free(d);
	assert_int_equal(read_text("{\"version\":2,\"modules\":[]}", 0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "state version 2 is not supported");
	free(d);
	assert_int_equal(read_text("{\"format_version\":\"2.0\",\"values\":{}}", 0, &d, NULL, NULL),
			 FO_EINPUT);
	assert_has(d, "format_version \"2.0\" is not supported");
	free(d);
	/* Duplicate keys are refused (a state never has them). */
	assert_int_equal(read_text("{\"version\":4,\"version\":4,\"resources\":[]}", 0, &d, NULL,
				   NULL), FO_EINPUT);
	assert_has(d, "F:1:");
	assert_has(d, "duplicate object key");
	free(d);
	/* UTF-16 without a BOM. */
	assert_int_equal(read_text("{\0\"\0v\0", 7, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "F:1:1: error: UTF-16 without a byte order mark");
	free(d);
	/* UTF-16 with a BOM cut inside a character, and an unpaired surrogate. */
	assert_int_equal(read_text("\xff\xfe{\0\n\0\"", 7, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "F:2:1: error: UTF-16: the file ends inside a character (truncated)");
	free(d);
	assert_int_equal(read_text("\xff\xfe{\0\x00\xdc}\0", 8, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "F:1:2: error: UTF-16: invalid code unit sequence at byte 4");
	free(d);
	/* Invalid UTF-8 is jansson's error, located. */
	assert_int_equal(read_text("{\"version\":4,\"resources\":[\"\xff\"]}", 0, &d, NULL, NULL),
			 FO_EINPUT);
	assert_has(d, "F:1:");
	free(d);
	/* Missing file. */
	tf t;
	tf_read(&t, "/nonexistent/x.tfstate", NULL);
	assert_int_equal(t.err, FO_EIO);
	tf_free(&t);
	/* A directory: opened, but not readable as a file. */
	tf_read(&t, DIR, NULL);
	assert_int_equal(t.err, FO_EIO);
	d = mem_text(0, &t);
	assert_has(d, "error: cannot read: Is a directory");
	free(d);
	tf_free(&t);
	/* Options. */
	assert_int_equal(read_text("{}", 0, &d, "depends-on", "sometimes"), FO_EINPUT);
	assert_has(d, "option depends-on: \"sometimes\" is not one of props, degrades, ignore");
	free(d);
	assert_int_equal(read_text("{}", 0, &d, "max-bytes", "12k"), FO_EINPUT);
	assert_has(d, "option max-bytes: \"12k\" is not a positive byte count");
	free(d);
}

static void limits(void **state)
{
	(void)state;
	char *d;
	/* The size limit, lowered by the option. */
	assert_int_equal(read_text("{\"version\":4,\"resources\":[]}", 0, &d, "max-bytes", "10"),
			 FO_ELIMIT);
	assert_has(d, "F: error: the file has 28 bytes, over the limit of 10 (option max-bytes)\n");
	free(d);
	/* JSON nesting: jansson's depth limit, located. */
	size_t n = 5000;
	char *deep = malloc(n + 64);
	assert_non_null(deep);
	strcpy(deep, "{\"version\":4,\"resources\":");
	size_t off = strlen(deep);
	memset(deep + off, '[', n - off);
	assert_int_equal(read_text(deep, n, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "F:1:");
	assert_has(d, "maximum parsing depth");
	free(d);
	/* Modules nested deeper than 64 levels. */
	char *mods = malloc(200000);
	assert_non_null(mods);
	off = (size_t)sprintf(mods, "{\"format_version\":\"1.0\",\"values\":{\"root_module\":{");
	for (int i = 0; i < 70; i++)
		off += (size_t)sprintf(mods + off, "\"child_modules\":[{\"address\":\"module.m%d\",", i);
	off += (size_t)sprintf(mods + off, "\"resources\":[]");
	for (int i = 0; i < 70; i++)
		off += (size_t)sprintf(mods + off, "}]");
	sprintf(mods + off, "}}}");
	assert_int_equal(read_text(mods, 0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "error: values.root_module.child_modules[0]");
	assert_has(d, ": modules nested deeper than 64 levels\n");
	free(d);
	/* A v3 flat key nested deeper than 32 segments. */
	off = (size_t)sprintf(mods, "{\"version\":3,\"modules\":[{\"path\":[\"root\"],\"resources\":"
				    "{\"aws_vpc.v\":{\"type\":\"aws_vpc\",\"primary\":{\"attributes\":{\"");
	for (int i = 0; i < 40; i++)
		off += (size_t)sprintf(mods + off, "a.");
	sprintf(mods + off, "b\":\"x\"}}}}}]}");
	assert_int_equal(read_text(mods, 0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "F: error: modules[0].resources[\"aws_vpc.v\"]: the flat attribute key");
	assert_has(d, "nests deeper than 32 levels");
	free(d);
	free(mods);
	free(deep);
}

static void hostile_addresses(void **state)
{
	(void)state;
	char *d, *long_name = malloc(2100), *doc = malloc(4096);
	assert_non_null(long_name);
	assert_non_null(doc);
	memset(long_name, 'x', 2000);
	long_name[2000] = '\0';
	/* A newline in an address, an over-long name, a missing type and a
	 * bad index key: every error in one run, each with its path. */
	snprintf(doc, 4096,
		 "{\"version\":4,\"resources\":["
		 "{\"mode\":\"managed\",\"type\":\"aws_vpc\",\"name\":\"a\\nb\",\"instances\":[{\"attributes\":{}}]},"
		 "{\"mode\":\"managed\",\"type\":\"aws_vpc\",\"name\":\"%s\",\"instances\":[{\"attributes\":{}}]},"
		 "{\"mode\":\"managed\",\"name\":\"x\",\"instances\":[{}]},"
		 "{\"mode\":\"managed\",\"type\":\"aws_vpc\",\"name\":\"k\",\"instances\":[{\"index_key\":[1]}]},"
		 "{\"mode\":\"managed\",\"type\":\"aws_vpc\",\"name\":\"ok\",\"instances\":[{\"attributes\":{}},{\"attributes\":{}}]}"
		 "]}", long_name);
	assert_int_equal(read_text(doc, 0, &d, NULL, NULL), FO_EINPUT);
	/* Printed escaped: one diagnostic, one line. */
	assert_has(d, "F: error: resources[0].instances[0]: the address \"aws_vpc.a\\nb\" cannot be "
		      "an id: it holds a control character");
	assert_has(d, "F: error: resources[1].instances[0]: the address \"aws_vpc.xxxx");
	assert_has(d, "...\" cannot be an id: it is too long (2008 bytes; at most 900");
	assert_has(d, "F: error: resources[2]: a resource needs \"type\", \"name\" and an "
		      "\"instances\" array\n");
	assert_has(d, "F: error: resources[3].instances[0].index_key: neither a number nor a string\n");
	/* Two instances without keys have the same address. */
	assert_has(d, "F: error: resources[4].instances[1]: the address aws_vpc.ok is already the "
		      "one of resources[4].instances[0]\n");
	assert_int_equal(count_of(d, ": error: "), 5);
	free(d);
	/* show -json: quotes, backslashes and Chinese text in addresses are kept
	 * whole; an index that is not the address's end is left in the base. */
	snprintf(doc, 4096,
		 "{\"format_version\":\"1.0\",\"values\":{\"root_module\":{\"resources\":["
		 "{\"address\":\"aws_instance.x[\\\"a\\\\\\\"b.c\\\"]\",\"mode\":\"managed\","
		 "\"type\":\"aws_instance\",\"index\":\"a\\\"b.c\",\"values\":{\"tags\":{\"Name\":\"数据库\"},"
		 "\"availability_zone\":\"cn-north-1a\"}}]}}}");
	tf t;
	const char *p = tmp_write(doc, strlen(doc));
	tf_read(&t, p, NULL);
	unlink(p);
	assert_int_equal(t.err, FO_OK);
	tf_build(&t);
	fo_model_node n;
	fo_model_node_get(t.m, node_of(&t, "tf:aws_instance.x[\"a\\\"b.c\"]"), &n);
	assert_string_equal(n.name, "数据库");
	assert_string_equal(container_of(&t, "tf:aws_instance.x[\"a\\\"b.c\"]"), "tf:zone/cn-north-1a");
	tf_free(&t);
	/* A zone value with a control character is an error, not an id. */
	snprintf(doc, 4096, "{\"version\":4,\"resources\":[{\"mode\":\"managed\",\"type\":\"aws_subnet\","
			    "\"name\":\"s\",\"instances\":[{\"attributes\":{\"availability_zone\":\"a\\u0001\"}}]}]}");
	assert_int_equal(read_text(doc, 0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "F: error: resources[0].instances[0].availability_zone (aws_subnet.s): the value "
		      "cannot name a node: it holds a control character\n");
	free(d);
	free(doc);
	free(long_name);
}

static void empty_and_odd_states(void **state)
{
	(void)state;
	char *d;
	/* `terraform show -json` of an empty state has no values. */
	assert_int_equal(read_text("{\"format_version\":\"1.0\",\"terraform_version\":\"1.5.7\"}", 0,
				   &d, NULL, NULL), FO_OK);
	free(d);
	assert_int_equal(read_text("{\"version\":4,\"terraform_version\":\"1.5.7\",\"resources\":[]}",
				   0, &d, NULL, NULL), FO_OK);
	free(d);
	/* Wrong shapes are errors, not crashes. */
	assert_int_equal(read_text("{\"version\":4,\"resources\":{}}", 0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "resources: not an array");
	free(d);
	assert_int_equal(read_text("{\"version\":3,\"modules\":[{\"path\":[\"root\",1],\"resources\":{}}]}",
				   0, &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "modules[0].path: not an array of strings");
	free(d);
	assert_int_equal(read_text("{\"format_version\":\"1.0\",\"values\":{\"root_module\":{"
				   "\"resources\":[{\"type\":\"aws_vpc\"}],\"child_modules\":3}}}", 0,
				   &d, NULL, NULL), FO_EINPUT);
	assert_has(d, "values.root_module.resources[0]: a resource without an \"address\"");
	assert_has(d, "values.root_module.child_modules: not an array");
	free(d);
	/* depends_on relative to the module (show -json of Terraform 1.x): found
	 * under the resource's module; an address in neither place is warned. */
	assert_int_equal(read_text("{\"format_version\":\"1.0\",\"values\":{\"root_module\":{"
				   "\"child_modules\":[{\"address\":\"module.m\",\"resources\":["
				   "{\"address\":\"module.m.aws_vpc.v\",\"mode\":\"managed\",\"type\":"
				   "\"aws_vpc\",\"values\":{}},{\"address\":\"module.m.aws_subnet.s\","
				   "\"mode\":\"managed\",\"type\":\"aws_subnet\",\"values\":{},"
				   "\"depends_on\":[\"aws_vpc.v\",\"aws_vpc.none\"]}]}]}}}", 0, &d,
				   NULL, NULL), FO_OK);
	assert_has(d, "F: warning: values.root_module.child_modules[0].resources[1].depends_on[1] "
		      "(module.m.aws_subnet.s): depends on aws_vpc.none, which is not in the file");
	assert_int_equal(count_of(d, "warning"), 1);
	free(d);
	/* A listener whose load balancer is elsewhere: warned, dropped. */
	assert_int_equal(read_text("{\"version\":4,\"resources\":[{\"mode\":\"managed\",\"type\":"
				   "\"aws_lb_listener\",\"name\":\"l\",\"instances\":[{\"attributes\":{"
				   "\"load_balancer_arn\":\"arn:gone\"}}]}]}", 0, &d, NULL, NULL), FO_OK);
	assert_has(d, "F: warning: resources[0].instances[0].load_balancer_arn (aws_lb_listener.l): "
		      "\"arn:gone\" is not a resource of this file; what this aws_lb_listener says is "
		      "dropped\n");
	free(d);
}

static void sniff(void **state)
{
	(void)state;
	static const char *const files[] = { "infracost-tf0.14-state.show.json",
					     "driftctl-aws-lb-listener.tfstate", "v3-alb.tfstate",
					     "plan.show.json", "utf16le-bom-crlf.show.json",
					     "aws-full.tfstate" };
	char buf[65536];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char path[256];
		snprintf(path, sizeof path, DIR "%s", files[i]);
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		size_t n = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		assert_int_equal(fo_terraform_sniff(buf, n), 1);
		/* Cut after the first keys: still sure. */
		assert_int_equal(fo_terraform_sniff(buf, n < 120 ? n : 120), 1);
	}
	assert_int_equal(fo_terraform_sniff("", 0), 0);
	assert_int_equal(fo_terraform_sniff(NULL, 0), 0);
	assert_int_equal(fo_terraform_sniff("{\"apiVersion\":\"v1\",\"kind\":\"List\"}", 33), 0);
	/* Keys below the top level do not count. */
	assert_int_equal(fo_terraform_sniff("{\"a\":{\"terraform_version\":\"1\"}}", 31), 0);
	assert_int_equal(fo_terraform_sniff("{\"a\":\"terraform_version\"}", 25), 0);
	assert_int_equal(fo_terraform_sniff("{\"format_version\":\"1.0\",\"values\":{", 34), 1);
	assert_int_equal(fo_terraform_sniff("{\"format_version\":\"1.0\"", 23), 0);
	assert_int_equal(fo_terraform_sniff("{\"serial\":3,\"lineage\":\"x\"", 25), 1);
	assert_int_equal(fo_terraform_sniff("<?xml version=\"1.0\"?>", 21), 0);
	assert_int_equal(fo_terraform_sniff("\xef\xbb\xbf {\"terraform_version\":", 25), 1);
	assert_int_equal(fo_terraform_sniff("\xfe\xff\0{\0\"\0t\0e\0r\0r\0a\0f\0o\0r\0m\0_\0v\0e\0r\0s"
					    "\0i\0o\0n\0\"", 42), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(infracost_show_json),
		cmocka_unit_test(driftctl_raw_v4),
		cmocka_unit_test(aws_rules),
		cmocka_unit_test(gcp_azure_tencent),
		cmocka_unit_test(raw_v3_flat_maps),
		cmocka_unit_test(plan_and_encodings),
		cmocka_unit_test(two_states_one_prefix),
		cmocka_unit_test(errors_located),
		cmocka_unit_test(limits),
		cmocka_unit_test(hostile_addresses),
		cmocka_unit_test(empty_and_odd_states),
		cmocka_unit_test(sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
