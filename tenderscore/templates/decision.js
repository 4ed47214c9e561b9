/* tenderscore decision page: "try other weights".
 *
 * Recomputes totals, ranking and winner from the partial values the engine computed, as
 * `tenderscore evaluate --weights` does (tenderscore/engine/totals.py, rules/ranking.py,
 * rules/rounding.py, input/hierarchy.py): the same weight tree, renormalised level by level,
 * the same rounding (Excel's ROUND), minimums, aggregation and tie-break. The model it reads
 * is built by tenderscore/report/exploration.py. Text from bids is only ever set as text.
 */
"use strict";
(function () {
  var source = document.getElementById("exploration-data");
  var root = document.getElementById("exploration");
  if (!source || !root) return;
  var model = JSON.parse(source.textContent);
  if (model.unavailable) {
    root.hidden = false; /* the reason it is not offered, in words */
    return;
  }
  var nodes = model.nodes;
  var units = model.units;
  var bids = model.bids;
  var SIGNIFICANT = 15;

  /* ---- the engine's rules ---------------------------------------------------------- */

  function roundHalfEven(x) {
    var floor = Math.floor(x);
    var rest = x - floor;
    if (rest > 0.5) return floor + 1;
    if (rest < 0.5) return floor;
    return floor % 2 === 0 ? floor : floor + 1;
  }

  /* Excel's ROUND: half away from zero on the 15-significant-digit decimal (rules/rounding.py). */
  function excelRound(x, decimals) {
    if (!isFinite(x)) return x;
    var sign = x > 0 ? 1 : x < 0 ? -1 : 0;
    var scaled = Math.abs(x) * Math.pow(10, decimals);
    if (scaled < 1e-200) scaled = 0;
    var shown = 0;
    if (scaled > 0) {
      var digits = Math.floor(Math.log10(scaled));
      var unit = Math.pow(10, SIGNIFICANT - 1 - digits);
      shown = roundHalfEven(scaled * unit) / unit;
    }
    return (sign * Math.floor(shown + 0.5)) / Math.pow(10, decimals);
  }

  function rounded(stage, x) {
    var decimals = model.rounding[stage];
    return decimals === null || decimals === undefined ? x : excelRound(x, decimals);
  }

  /* How far the published rounding of sections and total can move a total by one step. */
  function roundingSteps() {
    var steps = 0;
    if (model.rounding.section !== null) steps += model.sections.length * Math.pow(10, -model.rounding.section);
    if (model.rounding.total !== null) steps += Math.pow(10, -model.rounding.total);
    return steps;
  }

  function children(k) {
    var found = [];
    for (var j = 0; j < nodes.length; j++) if (nodes[j].parent === k) found.push(j);
    return found;
  }

  /* Local and effective weights from stated weights by node (input/hierarchy.py, with
   * renormalise: each level scaled to sum to 1). Returns {local, effective} or {error}. */
  function resolveWeights(stated) {
    var raw = new Array(nodes.length);
    for (var k = nodes.length - 1; k >= 0; k--) {
      if (stated[k] !== null && stated[k] !== undefined) raw[k] = stated[k];
      else if (model.weighting === "points" && nodes[k].isSection) {
        raw[k] = children(k).reduce(function (sum, c) { return sum + raw[c]; }, 0);
      } else raw[k] = 0;
    }
    var local = new Array(nodes.length);
    var effective = new Array(nodes.length);
    for (var i = 0; i < nodes.length; i++) {
      var parent = nodes[i].parent;
      var total = 0;
      for (var j = 0; j < nodes.length; j++) if (nodes[j].parent === parent) total += raw[j];
      if (!(total > 0)) {
        var where = parent < 0 ? "at the top level" : "under " + nodes[parent].name;
        return { error: "The weights " + where + " are all zero." };
      }
      local[i] = raw[i] / total;
      effective[i] = (parent < 0 ? 1 : effective[parent]) * local[i];
    }
    return { local: local, effective: effective };
  }

  var unitNode = units.map(function (unit) {
    for (var k = 0; k < nodes.length; k++) if (nodes[k].id === unit.id) return k;
    return -1;
  });

  /* The weights that score (engine/scoring.py scoring_weights): price weighs nothing when it
   * enters the figure as money, and the quality weights are renormalised. */
  function scoringWeights(effective) {
    var w = units.map(function (unit, u) {
      var weight = effective[unitNode[u]];
      return model.method.priceAsMoney ? weight * (1 - unit.priceShare) : weight;
    });
    if (model.method.priceAsMoney) {
      var total = w.reduce(function (a, b) { return a + b; }, 0);
      if (total > 0) w = w.map(function (x) { return x / total; });
    }
    return w;
  }

  var values = bids.map(function (bid) { return bid.values; });

  /* Each bid's points on each unit: 100 x weight x value, rounded as published. */
  function pointsOf(weights) {
    return values.map(function (row) {
      return row.map(function (v, u) { return rounded("points", 100 * v * weights[u]); });
    });
  }

  function figureOf(quality, price) {
    var method = model.method;
    if (method.name === "price_per_quality_point") return quality > 0 ? price / quality : Infinity;
    if (method.name === "monetised_quality") return price - quality * method.moneyPerPoint;
    return quality;
  }

  function nearlyEqual(a, b) {
    if (a === b) return true;
    var gap = Math.abs(a - b);
    return isFinite(gap) && gap <= model.tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  }

  /* Competition ranking by keys in order, ties within tolerance (rules/ranking.py). */
  function rankBids(candidates, keys) {
    var groups = [{ members: candidates.slice(), breaker: null }];
    keys.forEach(function (key, level) {
      var refined = [];
      groups.forEach(function (group) {
        if (group.members.length === 1) { refined.push(group); return; }
        var ordered = group.members.slice().sort(function (i, j) {
          return key.values[j] > key.values[i] ? 1 : key.values[j] < key.values[i] ? -1 : 0;
        });
        var runs = [];
        ordered.forEach(function (i) {
          var last = runs[runs.length - 1];
          if (last && nearlyEqual(key.values[last[0]], key.values[i])) last.push(i);
          else runs.push([i]);
        });
        var split = level > 0 && runs.length > 1;
        runs.forEach(function (run) {
          refined.push({ members: run, breaker: split ? key.name : group.breaker });
        });
      });
      groups = refined;
    });
    var places = {};
    var position = 1;
    groups.forEach(function (group) {
      group.members.slice().sort(function (a, b) { return a - b; }).forEach(function (i) {
        places[i] = {
          rank: position,
          shared: group.members.length > 1,
          brokenBy: group.members.length === 1 ? group.breaker : null,
        };
      });
      position += group.members.length;
    });
    return { places: places, groups: groups.map(function (g) { return g.members.slice().sort(function (a, b) { return a - b; }); }) };
  }

  function failsMinimums(points, weights, early) {
    return model.minimums.map(function (minimum) {
      if (early !== undefined && minimum.early !== early) return [];
      return bids.map(function (bid, i) {
        var achieved;
        if (minimum.kind === "points") {
          achieved = minimum.units.reduce(function (sum, u) { return sum + points[i][u]; }, 0);
        } else {
          var mass = 0, weight = 0;
          minimum.units.forEach(function (u) { mass += values[i][u] * weights[u]; weight += weights[u]; });
          achieved = 100 * (weight > 0 ? mass / weight : minimum.units.reduce(function (s, u) { return s + values[i][u]; }, 0) / minimum.units.length);
        }
        return achieved < minimum.required - 1e-9;
      });
    });
  }

  function failedSet(fails) {
    return bids.map(function (bid, i) { return fails.some(function (f) { return f[i]; }); });
  }

  /* Everything the page shows for one set of stated weights. */
  function evaluateWeights(stated) {
    var resolved = resolveWeights(stated);
    if (resolved.error) return resolved;
    var weights = scoringWeights(resolved.effective);
    var points = pointsOf(weights);
    var sectionPoints = points.map(function (row) {
      var sums = model.sections.map(function () { return 0; });
      row.forEach(function (p, u) { sums[units[u].section] += p; });
      return sums.map(function (s) { return rounded("section", s); });
    });
    var totals = bids.map(function (bid, i) {
      var useSections = !model.method.priceAsMoney && model.rounding.section !== null;
      var parts = useSections ? sectionPoints[i] : points[i];
      var figure = parts.reduce(function (a, b) { return a + b; }, 0);
      var price = bid.price === null ? NaN : bid.price;
      return rounded("total", figureOf(figure, price));
    });
    var failed = failedSet(failsMinimums(points, weights));
    var candidates = [];
    bids.forEach(function (bid, i) { if (!failed[i] && isFinite(totals[i])) candidates.push(i); });
    var keys = [{
      name: "total",
      values: totals.map(function (t) { return model.method.higherIsBetter ? t : -t; }),
    }];
    model.tieBreaks.forEach(function (entry) {
      keys.push({
        name: entry.name,
        values: bids.map(function (bid, i) {
          if (entry.order === null) {
            return entry.units.reduce(function (sum, u) { return sum + points[i][u]; }, 0);
          }
          var scale = entry.units.length && !(weights[entry.units[0]] > 0) ? 0 : 1;
          return entry.order[i] * scale;
        }),
      });
    });
    var ranking = rankBids(candidates, keys);
    var contentionChanged = false;
    if (units.some(function (unit) { return unit.relative; })) {
      var earlyNow = failedSet(failsMinimums(points, weights, true));
      contentionChanged = earlyNow.some(function (f, i) { return f !== publishedEarly[i]; });
      /* a bid below a weight-dependent minimum whose scores this page does not hold may
       * come back whenever a weight that minimum reads moves: say so, never guess */
    }
    /* a bid below a weight-dependent minimum whose scores this page does not hold may come
     * back whenever a weight that minimum reads moves: say so, never guess */
    var hiddenMayReturn = model.unseenMayReturn && model.hiddenUnits.some(function (u) {
      return Math.abs(weights[u] - publishedWeights[u]) > 1e-12;
    });
    /* the public page's section scores are the published ones (two decimals): each total is
     * known to within this much, and a lead smaller than twice it is too close to call */
    var error = bids.map(function () {
      var e = units.reduce(function (sum, unit, u) { return sum + 100 * weights[u] * model.unitError[u]; }, 0);
      return e > 0 ? e + roundingSteps() : 0; /* a rounded stage can step either way */
    });
    var winners = ranking.groups.length ? ranking.groups[0] : [];
    var runnerUp = ranking.groups.length > 1 ? ranking.groups[1][0] : null;
    var close = runnerUp !== null && error[0] > 0 &&
      Math.abs(totals[winners[0]] - totals[runnerUp]) <= 2 * error[0];
    return {
      local: resolved.local,
      effective: resolved.effective,
      totals: totals,
      sectionPoints: sectionPoints,
      failed: failed,
      ranking: ranking,
      winners: winners,
      close: close,
      contentionChanged: contentionChanged,
      hiddenMayReturn: hiddenMayReturn,
    };
  }

  var published = nodes.map(function (node) { return node.stated; });
  var publishedWeights = scoringWeights(resolveWeights(published).effective);
  var publishedEarly = failedSet(failsMinimums(pointsOf(publishedWeights), publishedWeights, true));

  /* ---- the address fragment: #weights=id:number,... -------------------------------- */

  var nodeIndex = Object.create(null); /* no inherited names: 'constructor' is no criterion */
  nodes.forEach(function (node, k) { nodeIndex[node.id] = k; });
  var NUMBER = /^\+?(\d+(_\d+)*)?(\.\d+(_\d+)*)?([eE][+-]?\d+(_\d+)*)?$/;
  var SHOWN = 40;

  /* A number as Python's float reads one in --weights (digits, '_' between digits, a
   * decimal point, an exponent), or NaN. */
  function weightNumber(text) {
    text = text.trim();
    if (!text || !/\d/.test(text) || !NUMBER.test(text)) return NaN;
    return Number(text.replace(/_/g, ""));
  }

  /* Fragment text as a message shows it: short, no control or direction characters. */
  function quoted(text) {
    text = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "");
    return "'" + (text.length > SHOWN ? text.slice(0, SHOWN) + "..." : text) + "'";
  }

  function parseFragment(hash) {
    var stated = published.slice();
    var problems = [];
    var text = hash.replace(/^#/, "");
    var found = null;
    text.split("&").forEach(function (part) {
      if (part.indexOf("weights=") === 0) found = part.slice("weights=".length);
    });
    if (found === null) return { stated: stated, problems: problems, given: false };
    var decoded;
    try { decoded = decodeURIComponent(found); } catch (e) { decoded = found; }
    decoded.split(",").forEach(function (pair) {
      pair = pair.trim();
      if (!pair) return;
      var at = pair.lastIndexOf(":");
      var id = at < 0 ? pair : pair.slice(0, at).trim();
      var number = at < 0 ? NaN : weightNumber(pair.slice(at + 1));
      if (!(id in nodeIndex)) {
        problems.push("No weighted criterion or section " + quoted(id) + " on this page: ignored.");
      } else if (nodes[nodeIndex[id]].fixed) {
        problems.push(nodes[nodeIndex[id]].name + " carries no weight as published, so its " +
          "scores are not published and it cannot be weighted here: ignored.");
      } else if (!(number >= 0 && number <= 1e6)) {
        problems.push(quoted(pair) + " is not id:number with a number from 0 to 1000000: ignored.");
      } else stated[nodeIndex[id]] = number;
    });
    return { stated: stated, problems: problems, given: true };
  }

  function formatWeight(x) {
    var text = x.toFixed(2);
    return text.replace(/\.?0+$/, "");
  }

  function fragmentFor(local) {
    var parts = [];
    nodes.forEach(function (node, k) {
      if (controls[k]) parts.push(node.id + ":" + formatWeight(100 * local[k]));
    });
    return "#weights=" + parts.join(",");
  }

  /* ---- the page ------------------------------------------------------------------- */

  var controls = {};
  root.querySelectorAll("[data-node]").forEach(function (element) {
    var k = Number(element.getAttribute("data-node"));
    controls[k] = {
      range: element.querySelector("input[type=range]"),
      number: element.querySelector("input[type=number]"),
      band: element.querySelector(".band"),
      mark: element.querySelector(".mark"),
    };
    var interval = model.intervals[nodes[k].id];
    if (interval && controls[k].band) {
      controls[k].band.style.left = (100 * interval[0]).toFixed(3) + "%";
      controls[k].band.style.width = (100 * (interval[1] - interval[0])).toFixed(3) + "%";
    } else if (controls[k].band) controls[k].band.hidden = true;
    if (controls[k].mark) controls[k].mark.style.left = (100 * nodes[k].local).toFixed(3) + "%";
  });

  var current = null;

  /* Move node k to `percent` of its level; its siblings keep their proportions. */
  function move(k, percent) {
    percent = Math.min(100, Math.max(0, percent));
    var local = current.local.slice();
    var siblings = [];
    nodes.forEach(function (node, j) { if (j !== k && node.parent === nodes[k].parent) siblings.push(j); });
    var rest = siblings.reduce(function (sum, j) { return sum + local[j]; }, 0);
    local[k] = percent / 100;
    siblings.forEach(function (j) {
      local[j] = rest > 0 ? (local[j] / rest) * (1 - local[k]) : (1 - local[k]) / siblings.length;
    });
    var fragment = fragmentFor(local);
    try {
      history.replaceState(null, "", fragment);
    } catch (e) {
      location.hash = fragment; /* the hashchange event shows it */
      return;
    }
    show(parseFragment(fragment));
  }

  function setText(id, text) {
    var element = document.getElementById(id);
    if (element) element.textContent = text;
  }

  function fmt(x) {
    return isFinite(x) ? x.toFixed(2) : "undefined";
  }

  function show(parsed) {
    var result = evaluateWeights(parsed.stated);
    var notice = document.getElementById("exploration-problems");
    var problems = parsed.problems.slice();
    if (result.error) {
      problems.push(result.error + " Showing the published weights instead.");
      result = evaluateWeights(published);
    }
    notice.textContent = problems.join(" ");
    notice.hidden = problems.length === 0;
    current = result;
    Object.keys(controls).forEach(function (key) {
      var k = Number(key);
      var percent = 100 * result.local[k];
      controls[k].range.value = percent.toFixed(1);
      if (controls[k].number) controls[k].number.value = percent.toFixed(1);
      setText("out-" + k, percent.toFixed(1) + "%");
      controls[k].range.setAttribute("aria-valuetext", percent.toFixed(1) + " percent");
    });
    var winner = document.getElementById("exploration-winner");
    var ids = result.winners.map(function (i) { return bids[i].id; });
    var names = result.winners.map(function (i) { return bids[i].name; });
    winner.setAttribute("data-bid", ids.join(" "));
    var same = ids.join(" ") === model.published.winners.join(" ");
    var inexact = result.contentionChanged || result.hiddenMayReturn;
    if (!ids.length) winner.textContent = "With these weights no bid could be ranked.";
    else {
      winner.textContent = "With these weights " + names.join(" and ") +
        (ids.length > 1 ? " would share first place" : " would rank first") +
        (same ? " (the same as " + model.baseline + ")." : " (not " + model.baseline + ").") +
        (result.close ? " The lead is within the rounding of the published section scores: " +
          "too close to call from this page." : "") +
        (inexact ? " Not exact: see the note above the controls." : "");
    }
    winner.setAttribute("data-changed", same ? "no" : "yes");
    winner.setAttribute("data-close", result.close ? "yes" : "no");
    winner.setAttribute("data-exact", inexact ? "no" : "yes");
    document.getElementById("exploration-contention").hidden = !result.contentionChanged;
    document.getElementById("exploration-hidden").hidden = !result.hiddenMayReturn;
    root.classList.toggle("moved", parsed.given);
    renderTable(result);
  }

  function renderTable(result) {
    var body = document.getElementById("exploration-rows");
    while (body.firstChild) body.removeChild(body.firstChild);
    var order = result.ranking.groups.reduce(function (all, g) { return all.concat(g); }, []);
    bids.forEach(function (bid, i) { if (order.indexOf(i) < 0) order.push(i); });
    order.forEach(function (i) {
      var row = document.createElement("tr");
      var place = result.ranking.places[i];
      row.setAttribute("data-bid", bids[i].id);
      row.setAttribute("data-total", String(result.totals[i]));
      row.setAttribute("data-rank", place ? String(place.rank) : "");
      var cells = [
        place ? String(place.rank) + (place.shared ? "=" : "") : "not ranked",
        bids[i].name,
      ];
      model.sections.forEach(function (s, k) { cells.push(result.sectionPoints[i][k].toFixed(2)); });
      cells.push(fmt(result.totals[i]));
      var before = model.published.ranks[bids[i].id];
      var now = place ? place.rank : null;
      cells.push(before === now ? "no change" : before === null ? "now ranked" : now === null ? "no longer ranked (was " + before + ")" : "was " + before);
      cells.forEach(function (text, c) {
        var cell = document.createElement(c === 1 ? "th" : "td");
        if (c === 1) cell.setAttribute("scope", "row");
        cell.textContent = text;
        if (c !== 1 && c !== cells.length - 1) cell.className = "number";
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  Object.keys(controls).forEach(function (key) {
    var k = Number(key);
    controls[k].range.addEventListener("input", function () { move(k, Number(controls[k].range.value)); });
    if (controls[k].number) {
      controls[k].number.addEventListener("change", function () {
        var value = Number(controls[k].number.value);
        if (isFinite(value)) move(k, value);
      });
    }
  });
  document.getElementById("exploration-reset").addEventListener("click", function () {
    try {
      history.replaceState(null, "", location.pathname + location.search);
    } catch (e) {
      location.hash = "";
    }
    show(parseFragment(""));
  });
  window.addEventListener("hashchange", function () { show(parseFragment(location.hash)); });
  /* The page must reproduce the decision before it offers to change it: at the published
   * weights, the same ranks and totals (to the published precision) or no exploration. */
  function reproducesTheDecision() {
    var result = evaluateWeights(published);
    if (result.error) return false;
    return bids.every(function (bid, i) {
      var place = result.ranking.places[i];
      var rank = place ? place.rank : null;
      if (rank !== model.published.ranks[bid.id]) return false;
      if (rank === null) return true;
      /* published totals: to the engine's float on the committee's page; to two decimals,
       * from section scores to two decimals, on the public page */
      var rounded = model.unitError.some(function (e) { return e > 0; });
      var bound = rounded ? 0.005 * (1 + units.length) + roundingSteps() + 1e-9 : 1e-7;
      return Math.abs(result.totals[i] - model.published.totals[bid.id]) <= bound;
    });
  }

  root.hidden = false;
  if (!reproducesTheDecision()) {
    var refused = document.getElementById("exploration-refused");
    refused.hidden = false;
    document.getElementById("exploration-controls").hidden = true;
    return;
  }
  show(parseFragment(location.hash));
})();
