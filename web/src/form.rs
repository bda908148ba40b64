//! The structured workspace panel: policy rules in order (with up/down), the default policy,
//! groups with members and roles, roles with permissions, and the files behind policies, layers
//! and rules. Every change is an edit of the workspace file's text ([`crate::tomledit`]), so the
//! text stays the truth and the panel can never drift from it.

use std::rc::Rc;

use yew::prelude::*;

use crate::eval::FormModel;
use crate::project::{Edit, WORKSPACE_DOC};
use crate::tomledit;
use crate::ui::{plural, use_actions};

/// Properties of [`WorkspaceForm`].
#[derive(Properties, PartialEq)]
pub struct FormProps {
    /// The workspace file's current text.
    pub text: AttrValue,
    /// The parsed workspace (`None` when it does not parse).
    pub model: Option<Rc<FormModel>>,
    /// Names of the documents that exist.
    pub docs: Rc<Vec<AttrValue>>,
}

/// Permission key, column header, and the name a screen reader hears.
const PERMISSIONS: [(&str, &str, &str); 4] = [
    ("codex_local", "Local", "Codex local"),
    ("codex_cloud", "Cloud", "Codex cloud"),
    ("codex_admin", "Admin", "Administer Codex"),
    ("agent_internet", "Internet", "Agent internet access"),
];

/// A change to one group: its name, members and roles.
type GroupChange<'a> = &'a dyn Fn(&mut String, &mut Vec<String>, &mut Vec<String>);

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn select_value(e: &Event) -> String {
    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
    select.value()
}

fn input_value(e: &Event) -> String {
    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
    input.value()
}

/// The structured view of the workspace file.
#[function_component]
pub fn WorkspaceForm(props: &FormProps) -> Html {
    let actions = use_actions();
    let Some(model) = props.model.clone() else {
        let open = actions.open.clone();
        return html! {
            <div class="form-panel" data-testid="workspace-form">
                <p class="empty">
                    { "The workspace file does not parse, so there is nothing to show here. " }
                    <button type="button" class="link-button" onclick={Callback::from(move |_: MouseEvent| open.emit(WORKSPACE_DOC.into()))}>
                        { "Open workspace.toml" }
                    </button>
                    { " to fix it: the problem is marked there." }
                </p>
            </div>
        };
    };
    let text = props.text.clone();
    // Applies a text transformation to the workspace file (no-op when it returns `None`).
    let change = {
        let (edit, text) = (actions.edit.clone(), text.clone());
        Rc::new(move |f: &dyn Fn(&str) -> Option<String>| {
            if let Some(next) = f(&text)
                && next != text.as_str()
            {
                edit.emit(Edit::Text(WORKSPACE_DOC.into(), next.into()));
            }
        })
    };

    let rule_entries = tomledit::array_entries(&text, "policy_rules");
    let rules_editable = rule_entries.len() == model.rules.len();
    let group_entries = tomledit::array_entries(&text, "groups");
    let groups_editable = group_entries.len() == model.groups.len();
    let role_tables = tomledit::child_tables(&text, "roles");
    let roles_editable = role_tables.len() == model.roles.len();
    let group_names: Vec<String> = model.groups.iter().map(|g| g.0.clone()).collect();
    let policy_names: Vec<String> = model.policies.iter().map(|p| p.0.clone()).collect();
    let role_names: Vec<String> = model.roles.iter().map(|r| r.0.clone()).collect();

    let options = |names: &[String], selected: &str| -> Html {
        let known = names.iter().any(|n| n == selected);
        html! {
            <>
                if !known {
                    <option value={selected.to_owned()} selected=true>{ [selected, " (not defined)"].concat() }</option>
                }
                { for names.iter().map(|n| html! { <option value={n.clone()} selected={n == selected}>{ n.clone() }</option> }) }
            </>
        }
    };

    // ---- Policy rules ----------------------------------------------------------------------
    let rule_rows = model.rules.iter().enumerate().map(|(i, (group, policy))| {
        let set = |field: &'static str| {
            let (change, entries, model) = (change.clone(), rule_entries.clone(), model.clone());
            Callback::from(move |e: Event| {
                let value = select_value(&e);
                let Some((group, policy)) = model.rules.get(i).cloned() else { return };
                let (g, p) = if field == "group" { (value, policy) } else { (group, value) };
                let entry = tomledit::policy_rule_entry(&g, &p);
                change(&|t: &str| tomledit::replace(t, entries.get(i)?, &entry));
            })
        };
        let mover = |delta: isize| {
            let (change, entries) = (change.clone(), rule_entries.clone());
            Callback::from(move |_: MouseEvent| {
                let j = i.checked_add_signed(delta);
                change(&|t: &str| tomledit::swap(t, entries.get(i)?, entries.get(j?)?));
            })
        };
        let remove = {
            let (change, entries) = (change.clone(), rule_entries.clone());
            Callback::from(move |_: MouseEvent| change(&|t: &str| tomledit::remove(t, entries.get(i)?)))
        };
        let n = i + 1;
        let label = |what: &str| [what, " of rule ", &n.to_string()].concat();
        html! {
            <li class="rule-row" data-testid="policy-rule">
                <span class="rule-number" aria-hidden="true">{ n }</span>
                <label class="sr-only" for={["rule-group-", &n.to_string()].concat()}>{ label("Group") }</label>
                <select id={["rule-group-", &n.to_string()].concat()} disabled={!rules_editable} onchange={set("group")}>
                    { options(&group_names, group) }
                </select>
                <span class="arrow" aria-hidden="true">{ "→" }</span>
                <label class="sr-only" for={["rule-policy-", &n.to_string()].concat()}>{ label("Policy") }</label>
                <select id={["rule-policy-", &n.to_string()].concat()} disabled={!rules_editable} onchange={set("policy")}>
                    { options(&policy_names, policy) }
                </select>
                <span class="row-buttons">
                    <button type="button" class="icon-button" title="Move up" aria-label={label("Move up")}
                        disabled={!rules_editable || i == 0} onclick={mover(-1)}>{ "↑" }</button>
                    <button type="button" class="icon-button" title="Move down" aria-label={label("Move down")}
                        disabled={!rules_editable || n == model.rules.len()} onclick={mover(1)}>{ "↓" }</button>
                    <button type="button" class="icon-button danger" title="Remove" aria-label={label("Remove")}
                        disabled={!rules_editable} onclick={remove}>{ "✕" }</button>
                </span>
            </li>
        }
    });
    let add_rule = {
        let (change, entries, groups, policies) =
            (change.clone(), rule_entries.clone(), group_names.clone(), policy_names.clone());
        Callback::from(move |_: MouseEvent| {
            let entry = tomledit::policy_rule_entry(
                groups.first().map_or("group", String::as_str),
                policies.first().map_or("policy", String::as_str),
            );
            change(&|t: &str| Some(tomledit::insert_after(t, entries.last(), &entry)));
        })
    };
    let set_default = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            let body = (!value.is_empty()).then(|| ["policy = ", &tomledit::quote(&value)].concat());
            change(&|t: &str| Some(tomledit::set_table(t, &["default_policy"], body.as_deref())));
        })
    };
    let default_policy = model.default_policy.clone().unwrap_or_default();

    // ---- Groups ----------------------------------------------------------------------------
    let group_rows = model.groups.iter().enumerate().map(|(i, (name, members, roles))| {
        let rewrite = {
            let (change, entries, model) = (change.clone(), group_entries.clone(), model.clone());
            Rc::new(move |f: GroupChange<'_>| {
                let Some((mut name, mut members, mut roles)) = model.groups.get(i).cloned() else { return };
                f(&mut name, &mut members, &mut roles);
                let entry = tomledit::group_entry(&name, &members, &roles);
                change(&|t: &str| tomledit::replace(t, entries.get(i)?, &entry));
            })
        };
        let on_name = {
            let rewrite = rewrite.clone();
            Callback::from(move |e: Event| {
                let value = input_value(&e).trim().to_owned();
                if !value.is_empty() {
                    rewrite(&|name, _, _| value.clone_into(name));
                }
            })
        };
        let on_members = {
            let rewrite = rewrite.clone();
            Callback::from(move |e: Event| {
                let list = split_list(&input_value(&e));
                rewrite(&|_, members, _| list.clone_into(members));
            })
        };
        let role_boxes = role_names.iter().map(|role| {
            let on = roles.contains(role);
            let toggle = {
                let (rewrite, role) = (rewrite.clone(), role.clone());
                Callback::from(move |_: Event| {
                    rewrite(&|_, _, roles| {
                        if roles.contains(&role) {
                            roles.retain(|r| *r != role);
                        } else {
                            roles.push(role.clone());
                        }
                    });
                })
            };
            html! {
                <label class="check">
                    <input type="checkbox" checked={on} disabled={!groups_editable} onchange={toggle} />
                    { role.clone() }
                </label>
            }
        });
        let remove = {
            let (change, entries) = (change.clone(), group_entries.clone());
            Callback::from(move |_: MouseEvent| change(&|t: &str| tomledit::remove(t, entries.get(i)?)))
        };
        let id = ["group-", &i.to_string()].concat();
        html! {
            <li class="group-card" data-testid="group-row" data-group={name.clone()}>
                <div class="group-line">
                    <label class="sr-only" for={[id.as_str(), "-name"].concat()}>{ "Group name" }</label>
                    <input id={[id.as_str(), "-name"].concat()} class="text-input name-input" value={name.clone()}
                        disabled={!groups_editable} onchange={on_name} />
                    <button type="button" class="icon-button danger" title="Remove group"
                        aria-label={["Remove group ", name].concat()} disabled={!groups_editable} onclick={remove}>{ "✕" }</button>
                </div>
                <label class="field-label small-label" for={[id.as_str(), "-members"].concat()}>{ "Members" }</label>
                <input id={[id.as_str(), "-members"].concat()} class="text-input" value={members.join(", ")}
                    data-testid="group-members" placeholder="name@example.com, …" disabled={!groups_editable} onchange={on_members} />
                <div class="checks group-roles" role="group" aria-label={["Roles of ", name].concat()}>
                    <span class="small-label" aria-hidden="true">{ "Roles" }</span>
                    { for role_boxes }
                </div>
            </li>
        }
    });
    let add_group = {
        let (change, entries, names) = (change.clone(), group_entries.clone(), group_names.clone());
        Callback::from(move |_: MouseEvent| {
            let name = fresh_name("New group", &names);
            let entry = tomledit::group_entry::<&str, &str>(&name, &[], &[]);
            change(&|t: &str| Some(tomledit::insert_after(t, entries.last(), &entry)));
        })
    };

    // ---- Roles -----------------------------------------------------------------------------
    let role_rows = model.roles.iter().map(|(name, permissions)| {
        let range = role_tables.iter().find(|(n, _)| n == name).map(|(_, r)| r.clone());
        let boxes = PERMISSIONS.iter().enumerate().map(|(k, (_, short, label))| {
            let on = permissions.get(k).copied().unwrap_or(false);
            let toggle = {
                let (change, range, name, permissions) = (change.clone(), range.clone(), name.clone(), *permissions);
                Callback::from(move |_: Event| {
                    let mut next = permissions;
                    if let Some(flag) = next.get_mut(k) {
                        *flag = !*flag;
                    }
                    let entry = tomledit::role_entry(&name, next);
                    change(&|t: &str| tomledit::replace(t, range.as_ref()?, &entry));
                })
            };
            html! {
                <td data-label={*short}>
                    <input type="checkbox" checked={on} disabled={!roles_editable} onchange={toggle}
                        aria-label={[*label, " for ", name].concat()} />
                </td>
            }
        });
        let remove = {
            let (change, range) = (change.clone(), range.clone());
            Callback::from(move |_: MouseEvent| change(&|t: &str| tomledit::remove(t, range.as_ref()?)))
        };
        html! {
            <tr>
                <th scope="row">{ name.clone() }</th>
                { for boxes }
                <td>
                    <button type="button" class="icon-button danger" title="Remove role"
                        aria-label={["Remove role ", name].concat()} disabled={!roles_editable} onclick={remove}>{ "✕" }</button>
                </td>
            </tr>
        }
    });
    let add_role = {
        let (change, names, last) = (change.clone(), role_names.clone(), role_tables.last().map(|(_, r)| r.clone()));
        Callback::from(move |_: MouseEvent| {
            let entry = tomledit::role_entry(&fresh_name("New role", &names), [true, false, false, false]);
            change(&|t: &str| Some(tomledit::insert_after(t, last.as_ref(), &entry)));
        })
    };
    let set_default_role = {
        let (change, name) = (change.clone(), model.name.clone());
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            let role = (!value.is_empty()).then_some(value);
            change(&|t: &str| Some(tomledit::set_workspace_section(t, name.as_deref(), role.as_deref())));
        })
    };
    let default_role = model.default_role.clone().unwrap_or_default();

    // ---- Files -----------------------------------------------------------------------------
    let open_button = |file: &str| -> Html {
        let exists = props.docs.iter().any(|d| d == file);
        let open = actions.open.clone();
        let target = AttrValue::from(file.to_owned());
        html! {
            <button type="button" class={classes!("file-link", (!exists).then_some("missing"))}
                onclick={Callback::from(move |_: MouseEvent| open.emit(target.clone()))}>
                { file.to_owned() }
                if !exists { <span class="sub-inline">{ " (missing)" }</span> }
            </button>
        }
    };
    let inline_note = |what: &str| html! { <span class="muted">{ ["inline in workspace.toml", what].concat() }</span> };
    let add_policy = {
        let (change, edit, open, names, docs) =
            (change.clone(), actions.edit.clone(), actions.open.clone(), policy_names.clone(), props.docs.clone());
        Callback::from(move |_: MouseEvent| {
            let name = fresh_key("new-policy", &names);
            let mut file = [name.as_str(), ".requirements.toml"].concat();
            while docs.iter().any(|d| *d == file) {
                file.insert(0, '_');
            }
            let entry = ["[policies.", &tomledit::key(&name), "]\nfile = ", &tomledit::quote(&file)].concat();
            edit.emit(Edit::Text(
                file.clone().into(),
                "# A cloud-managed requirements.toml policy.\nallowed_sandbox_modes = [\"read-only\", \"workspace-write\"]\n".into(),
            ));
            change(&|t: &str| {
                let tables = tomledit::child_tables(t, "policies");
                Some(tomledit::insert_after(t, tables.last().map(|(_, r)| r), &entry))
            });
            open.emit(file.clone().into());
        })
    };

    html! {
        <div class="form-panel" data-testid="workspace-form">
            <section class="form-section" aria-labelledby="form-rules-title">
                <div class="section-head">
                    <h3 id="form-rules-title" class="section-title">{ "Who gets which policy" }</h3>
                    <span class="hint">{ "First matching rule wins; later rules never fill in missing fields." }</span>
                </div>
                if !rules_editable {
                    <p class="notice">{ "These rules are written in a form this panel does not edit; change them in workspace.toml." }</p>
                }
                <ol class="rule-list" data-testid="policy-rules">{ for rule_rows }</ol>
                <div class="rule-row default-row">
                    <span class="rule-number" aria-hidden="true">{ "∗" }</span>
                    <label for="default-policy" class="default-label">{ "Everyone else" }</label>
                    <span class="arrow" aria-hidden="true">{ "→" }</span>
                    <select id="default-policy" data-testid="default-policy" onchange={set_default}>
                        <option value="" selected={default_policy.is_empty()}>{ "no cloud policy" }</option>
                        { for policy_names.iter().map(|n| html! { <option value={n.clone()} selected={*n == default_policy}>{ n.clone() }</option> }) }
                    </select>
                </div>
                <button type="button" class="button small" data-testid="add-rule" onclick={add_rule} disabled={!rules_editable}>{ "Add rule" }</button>
            </section>

            <section class="form-section" aria-labelledby="form-groups-title">
                <div class="section-head">
                    <h3 id="form-groups-title" class="section-title">{ "Groups" }</h3>
                    <span class="hint">{ "Members are emails, separated by commas. Roles add up (most permissive wins)." }</span>
                </div>
                <ul class="group-list">{ for group_rows }</ul>
                <button type="button" class="button small" onclick={add_group} disabled={!groups_editable}>{ "Add group" }</button>
            </section>

            <section class="form-section" aria-labelledby="form-roles-title">
                <div class="section-head">
                    <h3 id="form-roles-title" class="section-title">{ "Roles" }</h3>
                    <label class="inline-field">
                        { "Default role " }
                        <select data-testid="default-role" onchange={set_default_role}>
                            <option value="" selected={default_role.is_empty()}>{ "none" }</option>
                            { for role_names.iter().map(|n| html! { <option value={n.clone()} selected={*n == default_role}>{ n.clone() }</option> }) }
                        </select>
                    </label>
                </div>
                <div class="table-scroll">
                    <table class="table form-table roles-table">
                        <thead><tr>
                            <th scope="col">{ "Role" }</th>
                            { for PERMISSIONS.iter().map(|(key, short, long)| html! { <th scope="col" title={[*long, " (", key, ")"].concat()}>{ *short }</th> }) }
                            <th scope="col"><span class="sr-only">{ "Actions" }</span></th>
                        </tr></thead>
                        <tbody>{ for role_rows }</tbody>
                    </table>
                </div>
                <button type="button" class="button small" onclick={add_role} disabled={!roles_editable}>{ "Add role" }</button>
            </section>

            <section class="form-section" aria-labelledby="form-files-title">
                <div class="section-head">
                    <h3 id="form-files-title" class="section-title">{ "Policies and files" }</h3>
                    <span class="hint">{ plural(model.policies.len(), "policy", "policies") }</span>
                </div>
                <ul class="file-list">
                    { for model.policies.iter().map(|(name, file)| html! {
                        <li>
                            <span class="file-role">{ "policy " }<strong>{ name.clone() }</strong></span>
                            { file.as_deref().map_or_else(|| inline_note(""), open_button) }
                        </li>
                    }) }
                    { for model.layers.iter().map(|(label, file)| html! {
                        <li>
                            <span class="file-role">{ ["layer: ", label].concat() }</span>
                            { file.as_deref().map_or_else(|| inline_note(""), open_button) }
                        </li>
                    }) }
                    { for model.rules_files.iter().map(|(layer, name, trusted)| html! {
                        <li>
                            <span class="file-role">{ [*layer, " rules"].concat() }</span>
                            { if props.docs.iter().any(|d| d == name) { open_button(name) } else { inline_note(" (as text)") } }
                            if *layer == "project" && !trusted {
                                <span class="chip">{ "untrusted: ignored" }</span>
                            }
                        </li>
                    }) }
                </ul>
                <button type="button" class="button small" data-testid="add-policy" onclick={add_policy}>{ "New policy" }</button>
            </section>
        </div>
    }
}

fn fresh_name(base: &str, taken: &[String]) -> String {
    let mut n = 1;
    let mut name = base.to_owned();
    while taken.contains(&name) {
        n += 1;
        name = [base, " ", &n.to_string()].concat();
    }
    name
}

fn fresh_key(base: &str, taken: &[String]) -> String {
    let mut n = 1;
    let mut name = base.to_owned();
    while taken.contains(&name) {
        n += 1;
        name = [base, "-", &n.to_string()].concat();
    }
    name
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::eval::{Session, View};
    use crate::project::Project;

    fn render(text: &str) -> String {
        let project = Project { workspace: text.to_owned().into(), ..Project::default() };
        let report = Session::default().evaluate(&project, View::Trace);
        let props = FormProps { text: text.to_owned().into(), model: report.model, docs: Rc::new(Vec::new()) };
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let local = tokio::task::LocalSet::new();
        local
            .block_on(&runtime, yew::LocalServerRenderer::<WorkspaceForm>::with_props(props).hydratable(false).render())
    }

    #[test]
    fn rules_groups_and_roles_are_listed_with_their_controls() {
        let html = render(crate::examples::default_example().workspace);
        assert_eq!(html.matches(r#"data-testid="policy-rule""#).count(), 3);
        assert_eq!(html.matches(r#"data-testid="group-row""#).count(), 5);
        assert!(
            html.contains(r#"aria-label="Move up of rule 1" disabled"#) || html.contains("disabled title=\"Move up\""),
            "{html}"
        );
        assert!(html.contains(r#"aria-label="Agent internet access for Member""#), "{html}");
        assert!(html.contains("policy <strong>contractors</strong>"), "{html}");
    }

    #[test]
    fn rules_written_as_an_inline_array_are_shown_but_not_edited_and_a_broken_file_says_so() {
        let text = "[workspace]\ndefault_role = \"M\"\n[roles.M]\ncodex_local = true\n[[groups]]\nname = \"G\"\nmembers = [\"a@x\"]\n\
                    [policies.p]\nrequirements = ''\npolicy_rules = []\n";
        let html = render(&text.replace("policy_rules = []\n", ""));
        assert!(!html.contains("These rules are written in a form"), "{html}");
        let inline = "policy_rules = [{ group = \"G\", policy = \"p\" }]\n[workspace]\ndefault_role = \"M\"\n[roles.M]\ncodex_local = true\n\
                      [[groups]]\nname = \"G\"\nmembers = [\"a@x\"]\n[policies.p]\nrequirements = ''\n";
        let html = render(inline);
        assert!(html.contains("These rules are written in a form this panel does not edit"), "{html}");
        let broken = render("[workspace\n");
        assert!(broken.contains("The workspace file does not parse"), "{broken}");
    }
}
