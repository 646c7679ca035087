// The HTML report: see html.h. Built as one string: inline CSS, SVG drawn here, and a small
// script for the filters, the copy buttons and the paged table of histories. Every text that
// came from a run (answers, steps, messages) passes through AppendEscaped.
#include "reports/html.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "models/states.h"
#include "reports/markup_escape.h"
#include "reports/text.h"

namespace dj::report {
namespace {

using nlohmann::json;

void Text(std::string& out, std::string_view s) { AppendEscaped(out, s, false); }
void Attr(std::string& out, std::string_view s) { AppendEscaped(out, s, true); }

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// One element with escaped text: <tag class="cls">text</tag>.
void Element(std::string& out, std::string_view tag, std::string_view cls, std::string_view text) {
  out += '<';
  out += tag;
  if (!cls.empty()) {
    out += " class=\"";
    Attr(out, cls);
    out += '"';
  }
  out += '>';
  Text(out, text);
  out += "</";
  out += tag;
  out += '>';
}

void CopyButton(std::string& out, std::string_view text, std::string_view what) {
  out += "<button type=\"button\" class=\"copy\" title=\"copy ";
  Attr(out, what);
  out += "\" data-copy=\"";
  Attr(out, text);
  out += "\">copy</button>";
}

std::string ShellQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// The CSS class of an answer's outcome: what colour it is drawn in.
std::string_view OutcomeClass(std::string_view outcome) {
  if (outcome == "success") return "ok";
  if (outcome.starts_with("RequestLimitExceeded")) return "limited";
  if (outcome.starts_with("no answer") || outcome.starts_with("HTTP ")) return "broken";
  return "refused";
}

// The URL the page's curl lines go to: the target's, or the port the repro scripts use for an
// in-process run (`djharness mock --control --port 8080`).
std::string BaseUrl(const Results& r) {
  std::string url = r.target.starts_with("http://") || r.target.starts_with("https://")
                        ? r.target
                        : std::string("http://127.0.0.1:8080");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

constexpr std::string_view kCss = R"css(
:root{--ok:#2e7d32;--refused:#1565c0;--limited:#ef6c00;--bad:#c62828;--broken:#6a1b9a;--mute:#757575;--line:#ddd;--bg:#fafafa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#212121;background:#fff}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--bg)}
main{padding:0 24px 48px;max-width:1200px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:600}
.verdict.pass{background:var(--ok)}.verdict.fail{background:var(--bad)}.verdict.none{background:var(--mute)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.meta dt{color:var(--mute)}dl.meta dd{margin:0;word-break:break-all}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}
button{font:inherit;cursor:pointer}
.filter{border:1px solid var(--line);background:#fff;border-radius:14px;padding:2px 12px}
.filter[aria-pressed=true]{background:#212121;color:#fff}
input[type=search]{font:inherit;padding:2px 6px;min-width:240px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
th{background:var(--bg)}
#clauses td:first-child{white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.st{font-weight:600;text-transform:uppercase;font-size:12px}
.st.passed{color:var(--ok)}.st.failed{color:var(--bad)}.st.flaky{color:var(--limited)}.st.skipped{color:var(--mute)}
tr.bad td{background:#fff5f5}
.failure{border:1px solid var(--line);border-left:4px solid var(--bad);padding:4px 14px 10px;margin:14px 0;border-radius:4px}
.failure.flaky{border-left-color:var(--limited)}
.cmd{display:flex;gap:8px;align-items:flex-start;margin:4px 0}
.cmd code,pre{background:#f3f3f3;padding:4px 6px;border-radius:3px;white-space:pre-wrap;word-break:break-all;margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
.cmd code{flex:1}
.copy{font-size:12px;padding:1px 8px;border:1px solid #bbb;border-radius:3px;background:#fff}
ol.timeline{list-style:none;padding:0;margin:8px 0;border-left:2px solid var(--line)}
ol.timeline>li{position:relative;margin:0 0 8px 14px;padding-left:6px}
ol.timeline>li::before{content:"";position:absolute;left:-22px;top:6px;width:12px;height:12px;border-radius:50%;background:var(--mute)}
ol.timeline>li.ok::before{background:var(--ok)}ol.timeline>li.refused::before{background:var(--refused)}
ol.timeline>li.limited::before{background:var(--limited)}ol.timeline>li.broken::before{background:var(--broken)}
ol.timeline>li.finding::before{background:var(--bad);box-shadow:0 0 0 3px #ffcdd2}
.step{font-family:ui-monospace,monospace;font-size:12px}
.outcome{font-weight:600;margin-left:6px}
.outcome.ok{color:var(--ok)}.outcome.refused{color:var(--refused)}.outcome.limited{color:var(--limited)}.outcome.broken{color:var(--broken)}
.at{color:var(--mute);font-size:12px;margin-left:6px}
.findings{color:var(--bad);margin:2px 0 0;padding-left:18px}
details>summary{cursor:pointer;color:#455a64;font-size:12px}
svg{display:block;max-width:100%;height:auto;margin:6px 0}
svg text{font:11px system-ui,sans-serif;fill:#333}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:12px;margin:4px 0}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin-right:4px}
.pager{display:flex;gap:8px;align-items:center;margin:6px 0}
.note{color:var(--mute);font-size:12px}
)css";

constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  // The clause table: a status filter and a text filter.
  var status = 'all', query = '';
  function filterClauses() {
    all('#clauses tbody tr').forEach(function (tr) {
      var shown = (status === 'all' || tr.getAttribute('data-status') === status) &&
        (query === '' || tr.textContent.toLowerCase().indexOf(query) >= 0);
      tr.hidden = !shown;
    });
    all('button.filter').forEach(function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-status') === status ? 'true' : 'false');
    });
  }
  all('button.filter').forEach(function (b) {
    b.addEventListener('click', function () { status = b.getAttribute('data-status'); filterClauses(); });
  });
  var search = document.getElementById('clause-search');
  if (search) search.addEventListener('input', function () { query = search.value.trim().toLowerCase(); filterClauses(); });
  filterClauses();

  // Copy buttons: the clipboard API where the page may use it, else a selected textarea.
  function copyBySelection(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }
  function shown(button, copied) {
    button.textContent = copied ? 'copied' : 'select it';
    window.setTimeout(function () { button.textContent = 'copy'; }, 1500);
  }
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest('button.copy');
    if (!button) return;
    var text = button.getAttribute('data-copy') || '';
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { shown(button, true); },
        function () { shown(button, copyBySelection(text)); });
    } else {
      shown(button, copyBySelection(text));
    }
  });

  // Every history of the run, a page at a time.
  var source = document.getElementById('history-data');
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var page = 0, size = 25, property = '', failedOnly = false;
  var body = document.querySelector('#histories tbody');
  var info = document.getElementById('history-page');
  function rows() {
    return data.rows.filter(function (r) {
      return (property === '' || data.properties[r[0]] === property) && (!failedOnly || r[5] !== '');
    });
  }
  function render() {
    var chosen = rows();
    var pages = Math.max(1, Math.ceil(chosen.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    var html = [];
    chosen.slice(page * size, (page + 1) * size).forEach(function (r) {
      html.push('<tr' + (r[5] ? ' class="bad"' : '') + '><td>' + esc(data.properties[r[0]]) +
        '</td><td class="num">' + r[1] + '</td><td class="num">' + r[2] + '</td><td class="num">' +
        r[3] + '</td><td class="num">' + Number(r[4]).toFixed(2) + '</td><td>' + esc(r[5]) + '</td></tr>');
    });
    body.innerHTML = html.join('');
    info.textContent = 'page ' + (page + 1) + ' of ' + pages + ' (' + chosen.length + ' histories)';
  }
  document.getElementById('history-property').addEventListener('change', function (e) { property = e.target.value; page = 0; render(); });
  document.getElementById('history-failed').addEventListener('change', function (e) { failedOnly = e.target.checked; page = 0; render(); });
  document.getElementById('history-prev').addEventListener('click', function () { page -= 1; render(); });
  document.getElementById('history-next').addEventListener('click', function () { page += 1; render(); });
  render();
})();
)js";

// ---- SVG drawings ----

// Requests on a time axis: one row per action, a dot per request coloured by its answer, a red
// ring where the answer broke a clause, a faint line at every second of the limiter's clock.
void ScheduleSvg(std::string& out, const std::vector<ScheduleEntry>& requests,
                 std::string_view clock) {
  if (requests.empty()) return;
  std::vector<std::string> actions;
  double span = 0;
  for (const ScheduleEntry& e : requests) {
    if (std::find(actions.begin(), actions.end(), e.action) == actions.end())
      actions.push_back(e.action);
    span = std::max(span, e.at_ms);
  }
  span = std::max(span, 1000.0);
  const double left = 130, width = 760, top = 14, row = 26;
  const double height = top + row * static_cast<double>(actions.size()) + 30;
  auto x = [&](double ms) { return left + ms / span * width; };
  out += "<svg role=\"img\" viewBox=\"0 0 " + Fixed(left + width + 20, 0) + " " + Fixed(height, 0) +
         "\" width=\"" + Fixed(left + width + 20, 0) + "\"><title>";
  Text(out, "requests on the limiter's " + std::string(clock) + " clock");
  out += "</title>";
  const double axis = top + row * static_cast<double>(actions.size()) + 4;
  double tick = span <= 2000 ? 250 : span <= 6000 ? 1000 : std::ceil(span / 6000) * 1000;
  for (double t = 0; t <= span + 0.5; t += tick) {
    bool second = std::fmod(t, 1000.0) < 0.5;
    out += "<line x1=\"" + Fixed(x(t), 1) + "\" x2=\"" + Fixed(x(t), 1) + "\" y1=\"" +
           Fixed(top - 6, 0) + "\" y2=\"" + Fixed(axis, 0) + "\" stroke=\"" +
           (second ? "#bbb" : "#eee") + "\"/>";
    out += "<text x=\"" + Fixed(x(t), 1) + "\" y=\"" + Fixed(axis + 14, 0) +
           "\" text-anchor=\"middle\">" + Fixed(t, 0) + " ms</text>";
  }
  for (std::size_t a = 0; a < actions.size(); ++a) {
    out += "<text x=\"" + Fixed(left - 8, 0) + "\" y=\"" +
           Fixed(top + row * static_cast<double>(a) + 4, 0) + "\" text-anchor=\"end\">";
    Text(out, actions[a]);
    out += "</text>";
  }
  // Requests sent at the same moment are spread a little, so each stays visible.
  std::map<std::pair<std::size_t, long long>, int> stacked;
  for (const ScheduleEntry& e : requests) {
    auto a = static_cast<std::size_t>(std::find(actions.begin(), actions.end(), e.action) -
                                      actions.begin());
    int n = stacked[{a, std::llround(x(e.at_ms))}]++;
    double cx = x(e.at_ms) + 3.0 * n;
    double cy = top + row * static_cast<double>(a);
    out += "<circle class=\"";
    Attr(out, OutcomeClass(e.outcome));
    out += "\" cx=\"" + Fixed(cx, 1) + "\" cy=\"" + Fixed(cy, 1) + "\" r=\"5\" fill=\"var(--";
    out += OutcomeClass(e.outcome);
    out += ")\"";
    if (e.finding) out += " stroke=\"var(--bad)\" stroke-width=\"3\"";
    out += "><title>";
    Text(out, Fixed(e.at_ms, 1) + " ms  " + e.action + " -> " + e.outcome +
                  (e.finding ? "  (broke a clause)" : ""));
    out += "</title></circle>";
  }
  out += "</svg>";
}

// A concurrent batch: one lane per client thread, a bar from each call's sending to its answer.
void LanesSvg(std::string& out, const std::vector<Exchange>& calls) {
  int threads = 0;
  double span = 0;
  for (const Exchange& e : calls) {
    threads = std::max(threads, e.thread + 1);
    span = std::max(span, e.ended_ms);
  }
  if (threads == 0) return;
  span = std::max(span, 0.001);
  const double left = 80, width = 800, top = 8, lane = 22;
  const double height = top + lane * threads + 26;
  auto x = [&](double ms) { return left + ms / span * width; };
  out += "<svg role=\"img\" viewBox=\"0 0 " + Fixed(left + width + 20, 0) + " " + Fixed(height, 0) +
         "\" width=\"" + Fixed(left + width + 20, 0) +
         "\"><title>concurrent calls, one lane per thread</title>";
  for (int t = 0; t < threads; ++t) {
    out += "<text x=\"" + Fixed(left - 8, 0) + "\" y=\"" + Fixed(top + lane * t + 14, 0) +
           "\" text-anchor=\"end\">thread " + std::to_string(t + 1) + "</text>";
  }
  for (const Exchange& e : calls) {
    if (e.thread < 0) continue;
    double x0 = x(e.started_ms), x1 = std::max(x(e.ended_ms), x0 + 2);
    out += "<rect x=\"" + Fixed(x0, 1) + "\" y=\"" + Fixed(top + lane * e.thread + 3, 0) +
           "\" width=\"" + Fixed(x1 - x0, 1) + "\" height=\"14\" rx=\"2\" fill=\"var(--" +
           std::string(OutcomeClass(e.outcome)) + ")\"";
    if (!e.findings.empty()) out += " stroke=\"var(--bad)\" stroke-width=\"3\"";
    out += "><title>";
    Text(out, e.step + " -> " + e.outcome + " (" + Fixed(e.started_ms, 2) + "-" +
                  Fixed(e.ended_ms, 2) + " ms)");
    out += "</title></rect>";
  }
  out += "<text x=\"" + Fixed(left, 0) + "\" y=\"" + Fixed(height - 6, 0) + "\">0 ms</text>";
  out += "<text x=\"" + Fixed(left + width, 0) + "\" y=\"" + Fixed(height - 6, 0) +
         "\" text-anchor=\"end\">" + Fixed(span, 2) + " ms</text></svg>";
}

// The DeleteJob coverage: job state (rows) x worst instance state (columns, best to worst).
void HeatmapSvg(std::string& out, const std::vector<DeleteCell>& cells) {
  const std::array<std::string_view, 9> columns = {
      "none",     "SUCCEED",  "FAILED",  "FAILED_INTERRUPTED", "RUNNING",
      "STARTING", "RUNNABLE", "PENDING", "SUBMITTED"};
  std::map<std::pair<std::string, std::string>, const DeleteCell*> at;
  for (const DeleteCell& c : cells) at[{c.job_state, c.instances}] = &c;
  const double left = 150, top = 110, w = 72, h = 30;
  const double width = left + w * static_cast<double>(columns.size()) + 10;
  const double height = top + h * static_cast<double>(model::kStateCount) + 10;
  out += "<svg id=\"heatmap\" role=\"img\" viewBox=\"0 0 " + Fixed(width, 0) + " " +
         Fixed(height, 0) + "\" width=\"" + Fixed(width, 0) +
         "\"><title>DeleteJob answers by job state and worst instance state</title>";
  for (std::size_t c = 0; c < columns.size(); ++c) {
    double cx = left + w * static_cast<double>(c) + w / 2;
    out += "<text x=\"" + Fixed(cx, 1) + "\" y=\"" + Fixed(top - 8, 0) +
           "\" transform=\"rotate(-40 " + Fixed(cx, 1) + " " + Fixed(top - 8, 0) + ")\">" +
           std::string(columns[c]) + "</text>";
  }
  for (std::size_t r = 0; r < model::kStateCount; ++r) {
    std::string job(model::StateName(model::kAllStates[r]));
    double y = top + h * static_cast<double>(r);
    out += "<text x=\"" + Fixed(left - 8, 0) + "\" y=\"" + Fixed(y + h / 2 + 4, 1) +
           "\" text-anchor=\"end\">" + job + "</text>";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      std::string inst(columns[c]);
      bool deletable = model::IsCompleted(model::kAllStates[r]) &&
                       (c == 0 || inst == "SUCCEED" || inst == "FAILED");
      auto it = at.find({job, inst});
      const DeleteCell* cell = it == at.end() ? nullptr : it->second;
      std::int64_t total = 0, ok = 0, limited = 0;
      std::string tip = "job " + job + ", worst instance " + inst +
                        (deletable ? " (deletable: DEL-1)" : " (not deletable)");
      if (cell != nullptr) {
        for (const auto& [outcome, n] : cell->outcomes) {
          total += n;
          if (outcome == "success") ok += n;
          if (outcome.starts_with("RequestLimitExceeded")) limited += n;
          tip += "\n" + outcome + ": " + std::to_string(n);
        }
        if (cell->findings > 0)
          tip += "\nanswers that broke a clause: " + std::to_string(cell->findings);
      } else {
        tip += "\nnot exercised";
      }
      std::int64_t refused = total - ok - limited;
      std::string fill = cell == nullptr || total == 0 ? "#eeeeee"
                         : cell->findings > 0          ? "var(--bad)"
                         : ok > 0 && refused > 0       ? "var(--broken)"
                         : ok > 0                      ? "var(--ok)"
                         : refused > 0                 ? "var(--refused)"
                                                       : "var(--limited)";
      double x = left + w * static_cast<double>(c);
      out += "<g class=\"cell\" data-job=\"" + job + "\" data-instances=\"" + inst +
             "\"><rect x=\"" + Fixed(x + 1, 0) + "\" y=\"" + Fixed(y + 1, 0) + "\" width=\"" +
             Fixed(w - 2, 0) + "\" height=\"" + Fixed(h - 2, 0) + "\" fill=\"" + fill + "\"";
      if (deletable) out += " stroke=\"#212121\" stroke-width=\"2\"";
      out += "><title>";
      Text(out, tip);
      out += "</title></rect><text x=\"" + Fixed(x + w / 2, 1) + "\" y=\"" +
             Fixed(y + h / 2 + 4, 1) + "\" text-anchor=\"middle\"" +
             (total > 0 ? " fill=\"#fff\"" : "") + ">" +
             (total > 0 ? std::to_string(total) : std::string("·")) + "</text></g>";
    }
  }
  out += "</svg>";
}

void Legend(std::string& out) {
  out += "<div class=\"legend\">";
  for (auto [var, label] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"ok", "success"},
           {"refused", "refused with an error code"},
           {"limited", "RequestLimitExceeded"},
           {"broken", "no answer, bad HTTP, or mixed"},
           {"bad", "broke a clause"}}) {
    out += "<span><span class=\"sw\" style=\"background:var(--" + std::string(var) + ")\"></span>" +
           std::string(label) + "</span>";
  }
  out += "</div>";
}

// ---- sections ----

void Metadata(std::string& out, const Results& r) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"target", r.target},
      {"control", r.control},
      {"seed", std::to_string(r.seed)},
      {"profile", r.profile},
      {"styles", r.styles},
      {"histories per property",
       std::to_string(r.runs) + " (at most " + std::to_string(r.max_steps) + " steps each)"},
      {"versions", r.tool + " " + r.version + ", API " + r.api_version},
      {"started", r.started},
      {"duration", Fixed(r.duration_seconds, 1) + " s, " + Fixed(r.pacing_seconds, 1) +
                       " s of it pacing under rate limits"},
      {"histories run", std::to_string(r.histories)},
      {"requests sent", std::to_string(r.requests)},
  };
  for (const std::string& premise : r.premises_failed)
    rows.emplace_back("premise that failed (not a finding)", premise);
  if (r.budget > 0)
    rows.emplace_back("request budget",
                      std::to_string(r.budget) + (r.budget_spent ? ", spent" : ", not reached"));
  if (r.jobs_submitted > 0 || !r.ledger.empty()) {
    rows.emplace_back(
        "jobs of the run's own",
        std::to_string(r.jobs_submitted) + " submitted, " +
            (r.jobs_left.empty() ? std::string("none left behind")
                                 : std::to_string(r.jobs_left.size()) +
                                       " left behind (djharness cleanup " + r.ledger + ")"));
  }
  out += "<dl class=\"meta\">";
  for (const auto& [k, v] : rows) {
    Element(out, "dt", "", k);
    Element(out, "dd", "", v);
  }
  out += "</dl>";
}

void ClauseTable(std::string& out, const Results& r) {
  out += "<h2 id=\"clauses-title\">Clauses</h2><div class=\"counts\">";
  out += "<button type=\"button\" class=\"filter\" data-status=\"all\">all " +
         std::to_string(r.clauses.size()) + "</button>";
  for (Status s : kAllStatuses) {
    std::string name(StatusName(s));
    out += "<button type=\"button\" class=\"filter\" data-status=\"" + name + "\">" + name + " " +
           std::to_string(r.Count(s)) + "</button>";
  }
  out +=
      "<input type=\"search\" id=\"clause-search\" placeholder=\"filter clauses\" "
      "aria-label=\"filter clauses\"></div>";
  out +=
      "<table id=\"clauses\"><thead><tr><th>clause</th><th>status</th><th>checks</th>"
      "<th>what it says</th><th>note</th></tr></thead><tbody>";
  for (const ClauseResult& c : r.clauses) {
    std::string name(StatusName(c.status));
    bool bad = c.status == Status::kFailed || c.status == Status::kFlaky;
    out += "<tr data-status=\"" + name + "\"" + (bad ? " class=\"bad\"" : "") + "><td>";
    if (c.failure) {
      out += "<a href=\"#failure-";
      Attr(out, c.id);
      out += "\">";
      Text(out, c.id);
      out += "</a>";
    } else {
      Text(out, c.id);
    }
    out += "</td><td class=\"st " + name + "\">" + name + "</td><td class=\"num\">" +
           std::to_string(c.checks) + "</td>";
    Element(out, "td", "", c.text);
    Element(out, "td", "", c.failure ? c.failure->message : c.reason);
    out += "</tr>";
  }
  out += "</tbody></table>";
}

void Failure(std::string& out, const ClauseResult& c, const Results& r,
             const std::string& results_name) {
  const FailureReport& f = *c.failure;
  bool flaky = c.status == Status::kFlaky;
  out += "<section class=\"failure";
  if (flaky) out += " flaky";
  out += "\" id=\"failure-";
  Attr(out, c.id);
  out += "\"><h3>";
  Text(out, (flaky ? "FLAKY " : "FAILED ") + c.id + ": " + f.message);
  out += "</h3>";
  Element(out, "p", "", c.text);
  std::string facts = "property " + f.property + ", seed " + std::to_string(f.seed) + ", " +
                      std::to_string(f.requests) + " requests in the shrunk history; found after " +
                      std::to_string(f.requests_to_find) + " requests (" +
                      Fixed(f.seconds_to_find, 2) + " s)";
  if (f.replays > 0) {
    facts += "; replayed " + std::to_string(f.replays) + " times, failed again " +
             std::to_string(f.reproduced) + " times";
  }
  Element(out, "p", "note", facts);
  std::string replay = "djharness replay " + results_name;
  std::string script = ReproScriptPath(FolderOf(results_name), c.id);
  std::string curl = "DJ_TARGET=" + BaseUrl(r) +
                     " TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... bash " + script;
  for (const auto& [label, command] :
       {std::pair<std::string, std::string>{"replay", replay}, {"with curl", curl}}) {
    out += "<div class=\"cmd\"><span class=\"note\">";
    Text(out, label);
    out += "</span><code>";
    Text(out, command);
    out += "</code>";
    CopyButton(out, command, label + " command");
    out += "</div>";
  }
  // Drawings first: the batch's lanes, or the requests on the limiter's clock.
  std::vector<Exchange> batch;
  std::vector<ScheduleEntry> timed;
  for (const Exchange& e : f.history) {
    if (e.thread >= 0) batch.push_back(e);
    if (e.kind == "api" && e.at_ms >= 0) {
      std::string action = e.step.substr(0, e.step.find(' '));
      timed.push_back({e.at_ms, action, e.outcome, !e.findings.empty()});
    }
  }
  if (!batch.empty()) LanesSvg(out, batch);
  if (c.id.starts_with("RL-") && timed.size() > 1) ScheduleSvg(out, timed, "");
  if (!f.timeline.empty()) {
    out += "<details open><summary>the calls that cannot be explained</summary><pre>";
    Text(out, f.timeline);
    out += "</pre></details>";
  }
  out += "<ol class=\"timeline\">";
  int n = 0;
  for (const Exchange& e : f.history) {
    std::string cls(e.kind == "control" ? "control" : OutcomeClass(e.outcome));
    if (!e.findings.empty()) cls += " finding";
    out += "<li class=\"" + cls + "\"><span class=\"step\">" + std::to_string(++n) + ". ";
    Text(out, e.step);
    out += "</span><span class=\"outcome " + std::string(OutcomeClass(e.outcome)) + "\">";
    Text(out, e.outcome);
    out += "</span>";
    if (e.thread >= 0) {
      Element(out, "span", "at",
              "thread " + std::to_string(e.thread + 1) + ", " + Fixed(e.started_ms, 2) + "-" +
                  Fixed(e.ended_ms, 2) + " ms");
    } else if (e.at_ms >= 0) {
      Element(out, "span", "at", "at " + Fixed(e.at_ms, 0) + " ms");
    }
    if (!e.findings.empty()) {
      out += "<ul class=\"findings\">";
      for (const std::string& finding : e.findings) Element(out, "li", "", finding);
      out += "</ul>";
    }
    if (!e.request.empty()) {
      std::string line = CurlLine(e.request, BaseUrl(r));
      out += "<div class=\"cmd\"><code>";
      Text(out, line);
      out += "</code>";
      CopyButton(out, line, "curl line");
      out += "</div><details><summary>request and answer</summary><pre>";
      Text(out, e.request);
      out += "</pre><pre>";
      Text(out, e.answer);
      out += "</pre></details>";
    }
    out += "</li>";
  }
  out +=
      "</ol><p class=\"note\">The curl lines show each request as sent, with the credential "
      "and signature hidden: the repro script signs each one afresh.</p></section>";
}

void Histories(std::string& out, const Results& r) {
  out += "<h2>Histories</h2>";
  if (r.history_rows.empty()) {
    out += "<p class=\"note\">This results file lists no histories.</p>";
    return;
  }
  struct Sum {
    std::int64_t histories = 0, requests = 0, failed = 0;
    double ms = 0;
  };
  std::vector<std::string> properties;
  std::map<std::string, Sum> sums;
  json rows = json::array();
  for (const HistoryRow& h : r.history_rows) {
    auto it = std::find(properties.begin(), properties.end(), h.property);
    if (it == properties.end()) it = properties.insert(properties.end(), h.property);
    Sum& s = sums[h.property];
    ++s.histories;
    s.requests += h.requests;
    s.ms += h.ms;
    s.failed += h.failed.empty() ? 0 : 1;
    rows.push_back({it - properties.begin(), h.index, h.steps, h.requests,
                    std::round(h.ms * 100) / 100, h.failed});
  }
  out +=
      "<table><thead><tr><th>property</th><th>histories</th><th>requests</th>"
      "<th>requests per history</th><th>ms per history</th><th>failed</th></tr></thead><tbody>";
  for (const std::string& p : properties) {
    const Sum& s = sums[p];
    double n = static_cast<double>(s.histories);
    out += "<tr>";
    Element(out, "td", "", p);
    out += "<td class=\"num\">" + std::to_string(s.histories) + "</td><td class=\"num\">" +
           std::to_string(s.requests) + "</td><td class=\"num\">" +
           Fixed(static_cast<double>(s.requests) / n, 1) + "</td><td class=\"num\">" +
           Fixed(s.ms / n, 2) + "</td><td class=\"num\">" + std::to_string(s.failed) + "</td></tr>";
  }
  out +=
      "</tbody></table><div class=\"pager\"><label>property <select id=\"history-property\">"
      "<option value=\"\">all</option>";
  for (const std::string& p : properties) {
    out += "<option>";
    Text(out, p);
    out += "</option>";
  }
  out +=
      "</select></label><label><input type=\"checkbox\" id=\"history-failed\"> failed only"
      "</label><button type=\"button\" id=\"history-prev\">previous</button><button "
      "type=\"button\" id=\"history-next\">next</button><span id=\"history-page\" "
      "class=\"note\"></span></div><table id=\"histories\"><thead><tr><th>property</th>"
      "<th>#</th><th>steps</th><th>requests</th><th>ms</th><th>broke</th></tr></thead><tbody>"
      "</tbody></table>";
  // The rows as data for the script; '<' and '&' as escapes, so nothing can end the element.
  std::string data = json{{"properties", properties}, {"rows", rows}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  out += "<script type=\"application/json\" id=\"history-data\">";
  for (char ch : data) {
    if (ch == '<') {
      out += "\\u003c";
    } else if (ch == '&') {
      out += "\\u0026";
    } else {
      out += ch;
    }
  }
  out += "</script>";
}

}  // namespace

std::string CurlLine(const std::string& request_text, const std::string& base_url) {
  std::string_view text(request_text);
  auto eol = text.find('\n');
  std::string_view first = text.substr(0, eol);
  auto space = first.find(' ');
  if (space == std::string_view::npos) return {};
  std::string out = "curl -sS -X " + std::string(first.substr(0, space)) + " " +
                    ShellQuoted(base_url + std::string(first.substr(space + 1)));
  std::string body;
  bool in_body = false;
  while (eol != std::string_view::npos) {
    text.remove_prefix(eol + 1);
    eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    if (!line.starts_with("  ")) continue;
    line.remove_prefix(2);
    auto colon = line.find(": ");
    if (!in_body && colon != std::string_view::npos && IsHeaderName(line.substr(0, colon))) {
      if (line.substr(0, colon) == "Content-Length") continue;  // curl counts the body itself
      out += " -H " + ShellQuoted(line);
      continue;
    }
    in_body = true;
    body += (body.empty() ? "" : "\n") + std::string(line);
  }
  if (!body.empty()) out += " --data-binary " + ShellQuoted(body);
  return out;
}

std::string HtmlReport(const Results& r, const std::string& results_name) {
  int bad = r.Count(Status::kFailed) + r.Count(Status::kFlaky);
  std::string verdict = r.Verdict();
  std::string out;
  out.reserve(64 * 1024 + r.history_rows.size() * 48);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
  Text(out, "djharness: " + verdict + " - " + r.target);
  out += "</title><style>";
  out += kCss;
  out += "</style></head><body><header><h1>djharness conformance report: DeleteJob</h1>";
  out += "<span class=\"verdict " +
         std::string(bad > 0                           ? "fail"
                     : r.Count(Status::kPassed) > 0 ? "pass"
                                                    : "none") +
         "\" id=\"verdict\">" + verdict + "</span> ";
  std::string line = std::to_string(r.Count(Status::kPassed)) + " passed, " +
                     std::to_string(r.Count(Status::kFailed)) + " failed, " +
                     std::to_string(r.Count(Status::kFlaky)) + " flaky, " +
                     std::to_string(r.Count(Status::kSkipped)) + " skipped; " +
                     std::to_string(r.histories) + " histories, " + std::to_string(r.requests) +
                     " requests, seed " + std::to_string(r.seed);
  Text(out, line);
  out += "</header><main>";
  out += "<h2>Run</h2>";
  Metadata(out, r);

  out += "<h2 id=\"failures\">Failures</h2>";
  bool any = false;
  for (const ClauseResult& c : r.clauses) {
    if (!c.failure) continue;
    any = true;
    Failure(out, c, r, results_name);
  }
  if (!any) out += "<p class=\"note\">No clause failed.</p>";
  out +=
      "<h2 id=\"coverage\">DeleteJob by job state and worst instance state</h2>"
      "<p class=\"note\">Each cell counts the DeleteJob requests that reached a job in that "
      "state, coloured by the answers; outlined cells are the deletable ones (DEL-1). Hover "
      "a cell for its answers.</p>";
  Legend(out);
  HeatmapSvg(out, r.delete_cells);

  ClauseTable(out, r);

  out += "<h2 id=\"schedules\">Rate-limit schedules</h2>";
  if (r.rate_schedules.empty()) {
    out += "<p class=\"note\">The run kept no rate-limit schedule.</p>";
  } else {
    out +=
        "<p class=\"note\">The longest schedules of the rate-limit property, on the limiter's "
        "clock; a faint line at every second.</p>";
    for (const Schedule& s : r.rate_schedules) {
      Element(out, "h3", "",
              s.property + " history " + std::to_string(s.index) + ": " +
                  std::to_string(s.requests.size()) + " requests, " + s.clock + " time");
      ScheduleSvg(out, s.requests, s.clock);
    }
  }
  Histories(out, r);
  out += "</main><script>";
  out += kScript;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace dj::report
