/* render-json.c - the machine-readable doctor report (docs/json-schema.md). */
#include "render.h"

#include "snap/snap-json.h"

static json_t *strv_json(const struct strv *sv)
{
        json_t *a = json_array();

        for (size_t i = 0; i < sv->n; i++)
                json_array_append_new(a, json_string(sv->v[i]));
        return a;
}

json_t *render_findings_json(const struct findings *fs)
{
        json_t *a = json_array();

        for (size_t i = 0; i < fs->n; i++) {
                const struct finding *f = &fs->v[i];
                json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}",
                        "id", f->cat->id, "severity", severity_name(f->cat->sev),
                        "layer", f->cat->layer, "summary", f->summary,
                        "evidence", strv_json(&f->evidence), "fix", strv_json(&f->fix)));
        }
        return a;
}

json_t *render_doctor_json(const struct snapshot *s, const struct findings *fs)
{
        return json_pack("{s:i,s:s,s:o,s:o}", "schema_version", DLRIG_SCHEMA_VERSION,
                         "status", severity_name(findings_worst(fs)),
                         "findings", render_findings_json(fs), "snapshot", snap_to_json(s));
}

int render_json_dump(FILE *out, json_t *j)
{
        int r = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

        fputc('\n', out);
        return r;
}
