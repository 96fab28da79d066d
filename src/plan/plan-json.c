/* plan-json.c - the plan as JSON (dlrig --json plan): the chosen stack with
 * reasons and the steps with their state and commands, for tools that drive
 * many machines (Ansible) and for comparing plans across a fleet. */
#include "plan-internal.h"

#include <stdlib.h>

static const char *json_state(enum plan_state st)
{
        return st == STEP_DONE ? "done" : st == STEP_TODO ? "todo" : "offered";
}

static json_t *json_step(const struct plan *p, const struct plan_step *st, size_t k)
{
        json_t *cmds = json_array();

        for (size_t i = 0; i < st->nact; i++) {
                char *line = plan_act_shell(p, &st->acts[i]);
                json_array_append_new(cmds, json_string(line));
                free(line);
        }
        return json_pack("{s:I,s:s?,s:s?,s:s,s:b,s:s?,s:o}", "n", (json_int_t)k, "id", st->id,
                         "title", st->title, "state", json_state(st->state), "root", st->system,
                         "why", st->why, "commands", cmds);
}

/* The chosen stack as plain values, for programs. Strings are "s?": a
 * value the plan did not choose is null rather than a failed pack. */
static json_t *json_stack(const struct plan *p)
{
        return json_pack("{s:s?,s:b,s:b,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}",
                         "driver_branch", p->branch, "open_modules", p->open_modules,
                         "driver_kept", p->driver_kept, "cuda", p->cuda, "torch", p->torch,
                         "torchvision", p->torchvision, "torchaudio", p->torchaudio,
                         "variant", p->variant, "index_url", p->index_url, "python", p->python,
                         "installer", p->installer, "env", p->env_name, "env_prefix", p->env_prefix);
}

json_t *plan_to_json(const struct plan *p)
{
        json_t *target = json_object(), *steps = json_array();

        for (size_t i = 0; i < p->nchoices; i++) {
                const struct plan_choice *c = &p->choices[i];
                json_object_set_new(target, c->what, c->why ? json_pack("{s:s?,s:s}", "value", c->value, "why", c->why)
                                                            : json_pack("{s:s?}", "value", c->value));
        }
        for (size_t i = 0; i < p->nsteps; i++)
                json_array_append_new(steps, json_step(p, &p->steps[i], i + 1));
        return json_pack("{s:i,s:s?,s:s?,s:o,s:o,s:I,s:o}", "schema_version", DLRIG_SCHEMA_VERSION,
                         "distro", p->distro, "user", p->user, "stack", json_stack(p), "target", target,
                         "todo", (json_int_t)plan_todo_count(p), "steps", steps);
}
