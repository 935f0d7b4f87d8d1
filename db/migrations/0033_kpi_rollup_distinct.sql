CREATE TABLE "kpi_rollup_distinct" (
	"kpi_id" text NOT NULL,
	"dimension" text NOT NULL,
	"scope" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"prev_day" date NOT NULL,
	"label" text,
	"numerator" double precision NOT NULL,
	"denominator" double precision,
	CONSTRAINT "kpi_rollup_distinct_kpi_id_dimension_scope_day_key_prev_day_pk" PRIMARY KEY("kpi_id","dimension","scope","day","key","prev_day")
);
