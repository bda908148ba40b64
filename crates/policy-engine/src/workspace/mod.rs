//! The simulated `ChatGPT` workspace: groups, roles, policies and policy rules (spec §4, admin-model.md).
