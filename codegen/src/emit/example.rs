//! The examples in the generated docs: one per operation (on its client method), made from the
//! first recorded success case of the operation, and one per provider module (build a client,
//! make a call, tell errors apart by class, follow pages). Each is a `no_run` doctest, so
//! `cargo test --doc` compiles every one of them against the code it documents.
//!
//! Every method an example calls is named by the same functions of [`crate::names`] the
//! emitter names it with. Values come from the case's arguments (its credentials are never
//! read: examples take them from environment variables); a value the case lacks, a value of
//! the wrong shape and every `sensitive` field get a placeholder of the right type.

use super::ident;
use crate::ir::{self, TypeRef};
use crate::{RecordedCall, names};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

/// Optional setters an operation's example shows at most (request parameters first, then the
/// body's fields).
const OPTIONAL_SETTERS: usize = 2;

/// Items of a recorded list an example keeps.
const LIST_ITEMS: usize = 3;

/// Models nested deeper than this are left to `todo!()` (only a spec whose required fields
/// form a cycle gets there).
const MAX_DEPTH: usize = 8;

/// The examples of one provider: its recorded calls and the generated crate's name.
#[derive(Debug, Clone)]
pub struct Examples<'a> {
    krate: String,
    recorded: Vec<&'a RecordedCall>,
}

impl<'a> Examples<'a> {
    /// The examples of provider `p` of crate `package` (a cargo package name), from the recorded
    /// (or invented) calls of every provider.
    pub fn new(p: &ir::Provider, package: &str, recorded: impl IntoIterator<Item = &'a RecordedCall>) -> Self {
        Examples { krate: package.replace('-', "_"), recorded: recorded.into_iter().filter(|r| r.provider == p.module).collect() }
    }

    /// The case an operation's example is made from: of its cases that call it (not a view)
    /// and end in success, and are not marked `known_failure`, the first by case name; an
    /// invented one only when none is recorded.
    pub fn case_of(&self, operation: &str) -> Option<&'a RecordedCall> {
        self.recorded
            .iter()
            .copied()
            .filter(|r| r.operation == operation && r.success && !r.view && !r.known_failure)
            .min_by(|a, b| (a.invented, &a.case).cmp(&(b.invented, &b.case)))
    }

    /// The `# Example` section of an operation's client method, as doc text (not to be passed
    /// through [`super::docs::markdown`], which would stop the block from being compiled).
    pub fn operation(&self, p: &ir::Provider, op: &ir::Operation) -> String {
        let case = self.case_of(&op.name);
        let mut w = Writer::new(p, &self.krate);
        let client = w.client(op, case);
        let request = w.request(op, case);
        let call = w.call(op, case);
        let intro = match case {
            Some(c) if c.invented => {
                "With invented values in every field (nothing is recorded for this crate); credentials come from the environment.".to_owned()
            }
            Some(c) => format!(
                "With the values of the recorded case `{}/{}`; credentials come from the environment.",
                c.provider, c.case
            ),
            None => "With placeholder values (no success of this operation is recorded); credentials come from the environment.".to_owned(),
        };
        let sections = vec![(None, w.uses()), (None, client), (None, quote! { #request #call })];
        format!("# Example\n\n{intro}\n\n{}", w.block(&sections))
    }

    /// The provider module's example: build a client, make the first data call and tell its
    /// errors apart by class, and follow the pages of a paged operation when there is one.
    pub fn provider_page(&self, p: &ir::Provider) -> String {
        let acquiring: Vec<&str> = p.acquire.iter().flat_map(|a| a.steps.iter().map(|s| s.operation.as_str())).collect();
        let data_ops: Vec<&ir::Operation> = p.operations.iter().filter(|o| !acquiring.contains(&o.name.as_str())).collect();
        let first = data_ops
            .iter()
            .find(|o| o.response.is_some() && self.case_of(&o.name).is_some())
            .or_else(|| data_ops.first())
            .copied()
            .or_else(|| p.operations.first());
        let Some(first) = first else {
            return String::new();
        };
        let mut w = Writer::new(p, &self.krate);
        let case = self.case_of(&first.name);
        let client = w.client(first, case);
        let request = w.request(first, case);
        let handled = w.handled_call(first, case);
        let mut sections = vec![
            (Some("Build a client once and share it (clones share connections).".to_owned()), client),
            (Some(format!("Call `{}`, and tell its errors apart by class.", first.name)), quote! { #request #handled }),
        ];
        let paged = p.operations.iter().filter(|o| o.paging.is_some() && o.response.is_some()).min_by_key(|o| o.items.is_none());
        if let Some(op) = paged {
            let case = self.case_of(&op.name);
            let request = w.request(op, case);
            let (what, loop_) = w.pages(op);
            sections.push((Some(format!("Follow every page of `{}`: {what}.", op.name)), quote! { #request #loop_ }));
        }
        let mut all = vec![(None, w.uses())];
        all.extend(sections);
        let mut intro = format!("# Example\n\nThe common path with the {} client: build it, call an operation, handle its errors", p.title);
        intro.push_str(if paged.is_some() { ", follow pages." } else { "." });
        intro.push_str(" Each operation's method shows its own example.");
        format!("{intro}\n\n{}", w.block(&all))
    }
}

/// Doc attributes of text kept exactly as written (an example's fenced block).
pub fn raw_doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.trim().is_empty() { String::new() } else { format!(" {}", line.trim_end()) };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Builds one example: the code, and what it needs (the runtime module, an allow for
/// deprecated items).
struct Writer<'a> {
    p: &'a ir::Provider,
    krate: proc_macro2::Ident,
    module: proc_macro2::Ident,
    runtime: bool,
    error_class: bool,
    deprecated: bool,
    /// Wire names of the current operation's parameters and body fields that an acquisition
    /// step fills from the credentials: never copied from a case.
    withheld: Vec<String>,
}

impl<'a> Writer<'a> {
    fn new(p: &'a ir::Provider, krate: &str) -> Self {
        Writer { p, krate: ident(krate), module: ident(&p.module), runtime: false, error_class: false, deprecated: false, withheld: Vec::new() }
    }

    /// The `use` lines, once the code is made.
    fn uses(&self) -> TokenStream {
        let (krate, module) = (&self.krate, &self.module);
        let runtime = self.runtime.then(|| quote! { use #krate::runtime; });
        let class = self.error_class.then(|| quote! { use #krate::runtime::ErrorClass; });
        quote! { use #krate::#module; #runtime #class }
    }

    /// The fenced block: a hidden `async fn` around the sections, each formatted on its own and
    /// introduced by its comment.
    fn block(&self, sections: &[(Option<String>, TokenStream)]) -> String {
        let mut out = String::from("```rust,no_run\n");
        if self.deprecated {
            out.push_str("# #[allow(deprecated)]\n");
        }
        out.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
        for (i, (comment, tokens)) in sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if let Some(c) = comment {
                out.push_str(&format!("// {c}\n"));
            }
            out.push_str(&format_statements(tokens));
        }
        out.push_str("# Ok(())\n# }\n```");
        out
    }

    /// `let client = <module>::Client::builder()...build()?;` with the operation's credentials
    /// from environment variables and the case's provider headers.
    fn client(&mut self, op: &ir::Operation, case: Option<&RecordedCall>) -> TokenStream {
        let module = &self.module;
        let builder = ident(names::BUILDER);
        let credentials = credential_setters(self.p, op).into_iter().map(|setter| {
            let var = format!("{}_{}", self.p.module, setter).to_uppercase();
            let setter = ident(&setter);
            quote! { .#setter(std::env::var(#var)?) }
        });
        let headers = case.into_iter().flat_map(|c| c.headers.iter()).filter_map(|(wire, value)| {
            let h = self.p.headers.iter().find(|h| h.wire.eq_ignore_ascii_case(wire))?;
            let setter = ident(&h.setter);
            Some(quote! { .#setter(#value) })
        });
        let credentials: Vec<TokenStream> = credentials.collect();
        let headers: Vec<TokenStream> = headers.collect();
        quote! { let client = #module::Client::#builder() #(#credentials)* #(#headers)* .build()?; }
    }

    /// `let request = <Request>::new(required...).<setter>(value)...;`, with the body built
    /// before it when the operation has one.
    fn request(&mut self, op: &ir::Operation, case: Option<&RecordedCall>) -> TokenStream {
        let module = self.module.clone();
        self.withheld = credential_places(self.p, op);
        let args = case.map(|c| &c.args);
        let withheld = self.withheld.clone();
        let arg = |wire: &str| args.and_then(|a| a.get(wire)).filter(|_| !withheld.iter().any(|w| w == wire));
        let mut budget = OPTIONAL_SETTERS;
        // A parameter the client fills from its settings (`from:`) is not the request's.
        let own = || op.params.iter().filter(|param| param.from.is_none());
        let required = own().filter(|param| param.required).map(|param| {
            let value = if param.sensitive { None } else { arg(&param.wire) };
            self.argument(&param.ty, value, &param.wire, 0)
        });
        let mut new_args: Vec<TokenStream> = required.collect();
        let mut setters = Vec::new();
        for param in own().filter(|p| !p.required && !p.sensitive) {
            if budget == 0 {
                break;
            }
            // With no case, one setter with a placeholder shows the optional parameters' form.
            let value = match (case, arg(&param.wire)) {
                (Some(_), None | Some(Value::Null)) => continue,
                (Some(_), Some(v)) => Some(v),
                (None, _) if budget == OPTIONAL_SETTERS => None,
                (None, _) => break,
            };
            let setter = ident(&names::request_setter(&param.rust));
            let value = self.argument(&param.ty, value, &param.wire, 0);
            setters.push(quote! { .#setter(#value) });
            budget -= 1;
            if case.is_none() {
                budget = 0;
            }
        }
        let mut body_stmt = quote! {};
        if let Some(body) = &op.body {
            let recorded = arg(names::REQUEST_BODY).filter(|v| !v.is_null());
            if !op.body_optional || recorded.is_some() {
                let made = self.model(body, recorded, 0, &mut budget);
                body_stmt = quote! { let body = #made; };
                if op.body_optional {
                    let setter = ident(names::REQUEST_BODY);
                    setters.push(quote! { .#setter(body) });
                } else {
                    new_args.push(quote! { body });
                }
            }
        }
        let request = ident(&op.request_type);
        let new = ident(names::REQUEST_NEW);
        quote! {
            #body_stmt
            let request = #module::#request::#new(#(#new_args),*) #(#setters)*;
        }
    }

    /// Awaits the call and reads one field of the answer.
    fn call(&mut self, op: &ir::Operation, case: Option<&RecordedCall>) -> TokenStream {
        let method = ident(&op.name);
        if op.deprecated.is_some() {
            self.deprecated = true;
        }
        match self.read(op, case) {
            Some(read) => quote! {
                let response = client.#method(request).await?;
                #read
            },
            None => quote! { client.#method(request).await?; },
        }
    }

    /// The call in a `match`: the answer, or the error by class.
    fn handled_call(&mut self, op: &ir::Operation, case: Option<&RecordedCall>) -> TokenStream {
        let method = ident(&op.name);
        if op.deprecated.is_some() {
            self.deprecated = true;
        }
        self.error_class = true;
        let ok = match self.read(op, case) {
            Some(read) => quote! { Ok(response) => { #read } },
            None => quote! { Ok(()) => println!("done"), },
        };
        quote! {
            match client.#method(request).await {
                #ok
                Err(error) => match error.class() {
                    Some(ErrorClass::RateLimited) => println!("rate limited, try later: {error}"),
                    Some(ErrorClass::NotFound | ErrorClass::Gone) => println!("no such resource: {error}"),
                    Some(ErrorClass::AuthRejected) => println!("credentials refused: {error}"),
                    _ => return Err(error.into()),
                },
            }
        }
    }

    /// The loop over a paged operation's items (or pages, when the spec does not say where a
    /// page's items are), and what it follows.
    fn pages(&mut self, op: &ir::Operation) -> (&'static str, TokenStream) {
        if op.deprecated.is_some() {
            self.deprecated = true;
        }
        match &op.items {
            Some(_) => {
                let method = ident(&names::items_method(&op.name));
                let tokens = quote! {
                    let mut items = client.#method(request);
                    while let Some(item) = items.next().await {
                        let item = item?;
                        println!("{item:?}");
                    }
                };
                ("its items, across pages, as they are asked for", tokens)
            }
            None => {
                let method = ident(&names::pages_method(&op.name));
                let tokens = quote! {
                    let mut pages = client.#method(request);
                    while let Some(page) = pages.next().await {
                        let page = page?;
                        println!("{page:?}");
                    }
                };
                ("one page per `next()`", tokens)
            }
        }
    }

    /// A statement that reads one field of `response` (the first the recorded answer has), or
    /// the whole answer; `None` for an operation that answers nothing.
    fn read(&mut self, op: &ir::Operation, case: Option<&RecordedCall>) -> Option<TokenStream> {
        if op.binary.is_some() {
            return Some(quote! { println!("{} bytes of {}", response.bytes.len(), response.content_type); });
        }
        let answer = case.and_then(|c| c.answer.as_ref());
        match op.response.as_ref()? {
            TypeRef::Model(name) => {
                let model = self.p.models.iter().find(|m| &m.name == name)?;
                let readable: Vec<&ir::Field> = model.fields.iter().filter(|f| !f.sensitive).collect();
                let field = readable
                    .iter()
                    .find(|f| answer.and_then(|a| a.get(&f.wire)).is_some_and(|v| !v.is_null()))
                    .or_else(|| readable.first());
                match field {
                    Some(f) => {
                        if f.deprecated.is_some() {
                            self.deprecated = true;
                        }
                        let fname = ident(&f.rust);
                        Some(quote! { println!("{:?}", response.#fname); })
                    }
                    None => Some(quote! { println!("{response:?}"); }),
                }
            }
            TypeRef::List(_) => Some(quote! { println!("{} items", response.len()); }),
            _ => Some(quote! { println!("{response:?}"); }),
        }
    }

    /// A value passed where the generated code takes `impl Into<String>` for text, or
    /// `impl Into<Id>` for a text id (required parameters, setters): a string literal for
    /// those, any other value as [`Self::value`].
    fn argument(&mut self, ty: &TypeRef, json: Option<&Value>, hint: &str, depth: usize) -> TokenStream {
        match ty {
            TypeRef::String | TypeRef::Id(_, ir::IdWire::String) => string_literal(json.filter(|v| v.is_string()), hint),
            _ => self.value(ty, json, hint, depth),
        }
    }

    /// An owned value of type `ty`: the recorded `json` when it fits, else a placeholder.
    fn value(&mut self, ty: &TypeRef, json: Option<&Value>, hint: &str, depth: usize) -> TokenStream {
        let json = json.filter(|v| fits(ty, v));
        match ty {
            TypeRef::String => {
                let text = string_literal(json, hint);
                quote! { #text.to_owned() }
            }
            TypeRef::Integer => {
                let n = Literal::i64_unsuffixed(json.and_then(Value::as_i64).unwrap_or(1));
                quote! { #n }
            }
            TypeRef::Boolean => {
                let b = json.and_then(Value::as_bool).unwrap_or(true);
                quote! { #b }
            }
            TypeRef::Number => {
                self.runtime = true;
                let n = Literal::f64_unsuffixed(json.and_then(Value::as_f64).filter(|f| f.is_finite()).unwrap_or(1.0));
                quote! { runtime::Float::from(#n) }
            }
            TypeRef::Decimal => {
                self.runtime = true;
                match json.and_then(Value::as_i64) {
                    Some(n) => {
                        let n = Literal::i64_unsuffixed(n);
                        quote! { runtime::Decimal::from(#n) }
                    }
                    None => {
                        let text = json.map(Value::to_string).unwrap_or_else(|| "1.00".to_owned());
                        quote! { #text.parse::<runtime::Decimal>()? }
                    }
                }
            }
            TypeRef::Date => {
                self.runtime = true;
                let text = json.and_then(Value::as_str).unwrap_or("2024-01-31");
                quote! { #text.parse::<runtime::time::Date>()? }
            }
            TypeRef::DateTime(ir::TimestampFormat::Rfc3339) => {
                self.runtime = true;
                let text = json.and_then(Value::as_str).unwrap_or("2024-01-31T12:00:00Z");
                quote! { #text.parse::<runtime::time::Timestamp>()? }
            }
            TypeRef::DateTime(ir::TimestampFormat::Naive) => {
                self.runtime = true;
                let text = json.and_then(Value::as_str).unwrap_or("2024-01-31T12:00:00");
                quote! { #text.parse::<runtime::time::NaiveTimestamp>()? }
            }
            TypeRef::DateTime(ir::TimestampFormat::NaiveUtc) => {
                self.runtime = true;
                let text = json.and_then(Value::as_str).unwrap_or("2024-01-31T12:00:00");
                quote! { #text.parse::<runtime::time::UtcTimestamp>()? }
            }
            TypeRef::Id(name, wire) => {
                let module = &self.module;
                let type_name = ident(name);
                let inner = match wire {
                    ir::IdWire::String => string_literal(json, hint),
                    ir::IdWire::Integer => {
                        let n = Literal::i64_unsuffixed(json.and_then(Value::as_i64).unwrap_or(1));
                        quote! { #n }
                    }
                };
                quote! { #module::#type_name::new(#inner) }
            }
            TypeRef::Json => match json {
                Some(v) => {
                    let text = v.to_string();
                    quote! { serde_json::from_str::<serde_json::Value>(#text)? }
                }
                None => quote! { serde_json::Value::Null },
            },
            TypeRef::List(inner) => match json.and_then(Value::as_array).filter(|a| !a.is_empty()) {
                Some(items) => {
                    let items: Vec<TokenStream> =
                        items.iter().take(LIST_ITEMS).map(|v| self.value(inner, Some(v), hint, depth + 1)).collect();
                    quote! { vec![#(#items),*] }
                }
                None => quote! { Vec::new() },
            },
            TypeRef::Map(inner) => match json.and_then(Value::as_object).filter(|m| !m.is_empty()) {
                Some(entries) => {
                    let entries: Vec<TokenStream> = entries
                        .iter()
                        .take(LIST_ITEMS)
                        .map(|(k, v)| {
                            let v = self.value(inner, Some(v), hint, depth + 1);
                            quote! { (#k.to_owned(), #v) }
                        })
                        .collect();
                    quote! { std::collections::BTreeMap::from([#(#entries),*]) }
                }
                None => quote! { std::collections::BTreeMap::new() },
            },
            TypeRef::Nullable(inner) => match json {
                Some(v) if !v.is_null() => {
                    let v = self.value(inner, Some(v), hint, depth);
                    quote! { Some(#v) }
                }
                _ => quote! { None },
            },
            TypeRef::Model(name) => {
                // A nested object shows at most one of its optional fields.
                let mut one = 1;
                self.model(name, json, depth, &mut one)
            }
            TypeRef::Enum(name) => self.enum_value(name, json, hint),
        }
    }

    /// `<Model>::new(required...)` and, while `budget` lasts, setters of the optional fields the
    /// recorded object has (sensitive ones are never set from a case).
    fn model(&mut self, name: &str, json: Option<&Value>, depth: usize, budget: &mut usize) -> TokenStream {
        let module = self.module.clone();
        let Some(model) = self.p.models.iter().find(|m| m.name == name) else {
            return quote! { todo!() };
        };
        let type_name = ident(&model.name);
        if depth > MAX_DEPTH && model.fields.iter().any(|f| !f.optional) {
            return quote! { todo!() };
        }
        let json = json.filter(|v| v.is_object());
        let withheld = if depth == 0 { self.withheld.clone() } else { Vec::new() };
        let field_json =
            |f: &ir::Field| if f.sensitive || withheld.contains(&f.wire) { None } else { json.and_then(|o| o.get(&f.wire)) };
        let mut args = Vec::new();
        for f in model.fields.iter().filter(|f| !f.optional) {
            let value = field_json(f);
            let arg = match (&f.ty, f.nullable) {
                (TypeRef::String, false) => string_literal(value.filter(|v| v.is_string()), &f.wire),
                _ => {
                    let inner = self.value(&f.ty, value.filter(|v| !v.is_null()), &f.wire, depth + 1);
                    let inner = if f.boxed { quote! { Box::new(#inner) } } else { inner };
                    match (f.nullable, value) {
                        (true, None | Some(Value::Null)) => quote! { None },
                        (true, Some(_)) => quote! { Some(#inner) },
                        (false, _) => inner,
                    }
                }
            };
            args.push(arg);
        }
        let mut setters = Vec::new();
        for f in model.fields.iter().filter(|f| f.optional && !f.sensitive) {
            if *budget == 0 {
                break;
            }
            let Some(value) = field_json(f).filter(|v| !v.is_null() && !is_empty(v) && fits(&f.ty, v)) else { continue };
            let setter = ident(&names::model_setter(&f.rust));
            let arg = match (&f.ty, f.boxed) {
                (TypeRef::String, false) => string_literal(Some(value), &f.wire),
                (_, true) => {
                    let v = self.value(&f.ty, Some(value), &f.wire, depth + 1);
                    quote! { Box::new(#v) }
                }
                (_, false) => self.value(&f.ty, Some(value), &f.wire, depth + 1),
            };
            if f.deprecated.is_some() {
                self.deprecated = true;
            }
            setters.push(quote! { .#setter(#arg) });
            *budget -= 1;
        }
        quote! { #module::#type_name::new(#(#args),*) #(#setters)* }
    }

    /// The variant of a recorded enum value; a value the spec does not list goes into the
    /// enum's fallback variant, and none gives the first listed value.
    fn enum_value(&mut self, name: &str, json: Option<&Value>, hint: &str) -> TokenStream {
        let module = self.module.clone();
        let Some(e) = self.p.enums.iter().find(|e| e.name == name) else {
            return quote! { todo!() };
        };
        let type_name = ident(&e.name);
        let wire = json.and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        });
        let listed = match &wire {
            Some(w) => e.values.iter().find(|v| &v.wire == w),
            None => e.values.first(),
        };
        if let Some(v) = listed {
            let variant = ident(&v.rust);
            return quote! { #module::#type_name::#variant };
        }
        let fallback = ident(&e.fallback);
        let payload = match e.wire {
            ir::EnumWire::String => {
                let text = wire.unwrap_or_else(|| format!("<{hint}>"));
                quote! { #text.to_owned() }
            }
            ir::EnumWire::Integer => {
                let n = Literal::i64_unsuffixed(json.and_then(Value::as_i64).unwrap_or(0));
                quote! { #n }
            }
            ir::EnumWire::Boolean => {
                let b = json.and_then(Value::as_bool).unwrap_or(false);
                quote! { #b }
            }
        };
        quote! { #module::#type_name::#fallback(#payload) }
    }
}

/// A string literal: the recorded text, or `"<hint>"`.
fn string_literal(json: Option<&Value>, hint: &str) -> TokenStream {
    let text = json.and_then(Value::as_str).map(str::to_owned).unwrap_or_else(|| format!("<{hint}>"));
    quote! { #text }
}

/// An empty list or object: nothing worth a setter in an example.
fn is_empty(v: &Value) -> bool {
    v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(serde_json::Map::is_empty)
}

/// True when a recorded value has the shape of the type (a model or enum is checked as it is
/// built).
fn fits(ty: &TypeRef, v: &Value) -> bool {
    match ty {
        TypeRef::String | TypeRef::Date | TypeRef::DateTime(_) | TypeRef::Id(_, ir::IdWire::String) => v.is_string(),
        TypeRef::Integer | TypeRef::Id(_, ir::IdWire::Integer) => v.is_i64(),
        TypeRef::Number | TypeRef::Decimal => v.is_number(),
        TypeRef::Boolean => v.is_boolean(),
        TypeRef::List(_) => v.is_array(),
        TypeRef::Map(_) | TypeRef::Model(_) => v.is_object(),
        TypeRef::Nullable(inner) => v.is_null() || fits(inner, v),
        TypeRef::Json | TypeRef::Enum(_) => true,
    }
}

/// The builder setters an operation's example sets, each from an environment variable: the
/// inputs of a provider that acquires its credentials, else the credentials of the default
/// scheme (which `build()` checks for every client) and of the operation's own scheme; and
/// every input a path parameter is filled from (`from:`), which `build()` requires too.
fn credential_setters(p: &ir::Provider, op: &ir::Operation) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |setter: String| {
        if !out.contains(&setter) {
            out.push(setter);
        }
    };
    let of_scheme = |scheme: &ir::Auth| match scheme {
        // The placement is a choice, not a credential.
        ir::Auth::KeyPair { .. } => names::KEY_PAIR_SETTERS.iter().take(2).map(|s| (*s).to_owned()).collect(),
        other => other.setters(),
    };
    if p.acquire.is_some() && !p.inputs.is_empty() {
        p.inputs.iter().for_each(|i| add(i.name.clone()));
    } else {
        match &p.auth {
            ir::Auth::Named { schemes, default } => {
                let own = op.auth_scheme.as_deref().unwrap_or(default);
                for name in [default.as_str(), own] {
                    schemes.iter().filter(|(n, _)| n == name).flat_map(|(_, s)| of_scheme(s)).for_each(&mut add);
                }
            }
            other => of_scheme(other).into_iter().for_each(&mut add),
        }
    }
    p.operations.iter().flat_map(|o| &o.params).filter_map(|param| param.from.clone()).for_each(add);
    out
}

/// Where credentials go in a call of `op`: what the acquisition steps that call it bind (an
/// input, HTTP Basic of inputs, the previous step's token), and the body fields and headers of
/// a key pair; wire names of parameters, headers and body fields.
fn credential_places(p: &ir::Provider, op: &ir::Operation) -> Vec<String> {
    let steps = p.acquire.iter().flat_map(|a| a.steps.iter()).filter(|s| s.operation == op.name);
    let bound = steps
        .flat_map(|s| s.bind.iter())
        .filter(|(_, source)| matches!(source, ir::Source::Input(_) | ir::Source::Basic(..) | ir::Source::Previous))
        .map(|(place, _)| match place {
            ir::Place::Path(w) | ir::Place::Query(w) | ir::Place::Header(w) | ir::Place::Body(w) => w.clone(),
        });
    // A key pair travels in body fields or headers the spec may also model: never from a case.
    let schemes = match &p.auth {
        ir::Auth::Named { schemes, .. } => schemes.iter().map(|(_, s)| s).collect(),
        other => vec![other],
    };
    let key_pair = schemes.into_iter().flat_map(|s| match s {
        ir::Auth::KeyPair { client_id, secret } => {
            vec![client_id.body.clone(), client_id.header.clone(), secret.body.clone(), secret.header.clone()]
        }
        _ => Vec::new(),
    });
    bound.chain(key_pair).collect()
}

/// Statements formatted as prettyplease formats a function body, without the function.
fn format_statements(tokens: &TokenStream) -> String {
    let wrapped = quote! { async fn example() { #tokens } };
    let Ok(file) = syn::parse2::<syn::File>(wrapped) else {
        return format!("{tokens}\n");
    };
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in lines.iter().skip(1).take(lines.len().saturating_sub(2)) {
        out.push_str(line.strip_prefix("    ").unwrap_or(line));
        out.push('\n');
    }
    out
}
