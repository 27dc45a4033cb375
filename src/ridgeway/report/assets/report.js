/* ridgeway report: wires the λ slider and the demo controls to Plotly.
 *
 * Every number comes precomputed from the JSON block #ridgeway-data (written by
 * ridgeway.report.html.build). Text from the data is only ever set with textContent, and
 * labels handed to Plotly (which understands a little markup) have <, > and & escaped.
 */
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("ridgeway-data").textContent);
  var A = D.alphas;
  var NA = A.length;
  var CFG = { displaylogo: false, responsive: true };
  var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var CRIT_COLORS = {
    "loo-min": "#1f5fbf", "loo-1se": "#6b9be0", "kfold-min": "#2ca02c",
    "kfold-1se": "#8fd18f", "gcv": "#9467bd", "evidence": "#d62728", "hkb": "#8c564b",
    "lw": "#e377c2", "model": "#000000"
  };

  /* the grid's span (log axes take their range as log10): markers outside it stay off-screen */
  var LOGX = { type: "log", title: { text: "λ (log scale)" },
    range: [Math.log10(D.alphas[0]), Math.log10(D.alphas[D.alphas.length - 1])] };

  function $(id) { return document.getElementById(id); }
  function setText(id, s) { $(id).textContent = s; }

  /* numbers as shown: six significant digits, trailing zeros dropped */
  function fmt(v, digits) {
    if (v === null || v === undefined) { return "—"; }
    if (!isFinite(v)) { return v > 0 ? "∞" : "−∞"; }
    var s = Number(v).toPrecision(digits || 6);
    var parts = s.split("e");
    var m = parts[0];
    if (m.indexOf(".") >= 0) { m = m.replace(/0+$/, "").replace(/\.$/, ""); }
    return parts.length > 1 ? m + "e" + parts[1] : m;
  }

  /* a label for Plotly, whose text renderer reads a few HTML tags: show them as text */
  function ptext(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function col(matrix, j) {
    var out = new Array(matrix.length);
    for (var i = 0; i < matrix.length; i++) { out[i] = matrix[i][j]; }
    return out;
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function vline(x, color, dash, name) {
    return {
      type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, name: name,
      line: { color: color, width: name === "current" ? 2 : 1.5, dash: dash }
    };
  }

  /* ---------------------------------------------------------------- header and summary */
  setText("page-title", D.title);
  setText("page-source", D.source);
  setText("objective", D.objective + "\n\nλ is α; π_j = " +
    (D.standardize ? "the weighted variance of column j (standardize=True)"
      : "1 (penalty_factor, if given)") +
    "; s_i the sample weights; the intercept b is not penalized.");
  (function () {
    var body = $("summary-table").tBodies[0];
    D.summary.forEach(function (pair) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.textContent = pair[0];
      tr.appendChild(th);
      cell(tr, pair[1]);
      body.appendChild(tr);
    });
  })();

  var convCells = [];
  (function () {
    var body = $("conventions-table").tBodies[0];
    D.conventions.forEach(function (c) {
      var tr = document.createElement("tr");
      cell(tr, c.name);
      cell(tr, c.setting);
      convCells.push([cell(tr, "", "num"), c.factor]);
      body.appendChild(tr);
    });
  })();

  /* ---------------------------------------------------------------- error plot */
  var slider = $("alpha-slider");
  slider.max = String(NA - 1);
  slider.value = String(D.reference_index);

  function band(curve, name, color, fill) {
    var lo = [], hi = [];
    for (var i = 0; i < NA; i++) {
      var m = curve.mean[i], s = curve.se ? curve.se[i] : 0;
      lo.push(m === null ? null : m - s);
      hi.push(m === null ? null : m + s);
    }
    return [
      { x: A, y: lo, mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false },
      { x: A, y: hi, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: fill,
        hoverinfo: "skip", showlegend: false },
      { x: A, y: curve.mean, mode: "lines", name: name, line: { color: color, width: 2 } }
    ];
  }

  var errTraces = [{ x: A, y: D.train_mse, mode: "lines", name: "training",
    line: { color: "#555", width: 2 } }];
  if (D.loo) { errTraces = errTraces.concat(band(D.loo, "leave-one-out", "#1f5fbf", "rgba(31,95,191,0.15)")); }
  if (D.kfold) {
    errTraces = errTraces.concat(band(D.kfold, D.folds + "-fold CV", "#2ca02c", "rgba(44,160,44,0.15)"));
    setText("kfold-label", D.folds + "-fold MSE");
  } else {
    $("kfold-readout").hidden = true;
  }
  errTraces.push({ x: A, y: D.gcv, mode: "lines", name: "GCV", line: { color: "#9467bd", dash: "dash" } });
  if (D.validation_mse) {
    errTraces.push({ x: A, y: D.validation_mse, mode: "lines", name: "held-out rows",
      line: { color: "#d62728", width: 2 } });
  } else {
    $("validation-readout").hidden = true;
  }

  var critShapes = [], critNotes = [];
  D.criteria.forEach(function (c, k) {
    if (c.alpha === null) { return; }
    critShapes.push(vline(c.alpha, CRIT_COLORS[c.key] || "#444", "dot", c.key));
    critNotes.push({
      x: Math.log10(c.alpha), xref: "x", yref: "paper", y: 1 - 0.07 * (k % 8), text: ptext(c.label),
      showarrow: false, xanchor: "left", font: { size: 10, color: CRIT_COLORS[c.key] || "#444" }
    });
  });
  var cur0 = A[D.reference_index];
  /* y range: the curves that matter most (a K-fold band in row order can be far wider) */
  var top = 0, bottom = Infinity;
  [D.train_mse, D.gcv, D.validation_mse || [], D.loo ? D.loo.mean.map(function (m, i) {
    return m === null ? null : m + D.loo.se[i];
  }) : []].forEach(function (ys) {
    ys.forEach(function (v) { if (v !== null && isFinite(v)) { top = Math.max(top, v); bottom = Math.min(bottom, v); } });
  });
  var yRange = top > 0 ? [Math.max(0, bottom - 0.1 * (top - bottom)), top + 0.1 * (top - bottom)] : undefined;
  Plotly.newPlot("plot-errors", errTraces, {
    margin: { t: 20, r: 20, b: 50, l: 70 },
    xaxis: LOGX,
    yaxis: { title: { text: "mean squared error" }, range: yRange },
    legend: { orientation: "h", y: -0.2 },
    shapes: [vline(cur0, "#000", "solid", "current")].concat(critShapes),
    annotations: critNotes
  }, CFG);

  Plotly.newPlot("plot-df", [
    { x: A, y: D.df, mode: "lines", name: "effective df", line: { color: "#444" } },
    { x: [cur0], y: [D.df[D.reference_index]], mode: "markers", name: "current",
      marker: { size: 9, color: "#000" }, showlegend: false }
  ], {
    margin: { t: 10, r: 20, b: 45, l: 70 },
    xaxis: LOGX,
    yaxis: { title: { text: "effective df" } },
    showlegend: false,
    shapes: [vline(cur0, "#000", "solid", "current")]
  }, CFG);

  (function () {
    var body = $("criteria-table").tBodies[0];
    var buttons = $("criterion-buttons");
    D.criteria.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.dataset.key = c.key;
      cell(tr, c.label);
      cell(tr, c.rule);
      cell(tr, fmt(c.alpha), "num");
      cell(tr, fmt(c.df), "num");
      cell(tr, c.note);
      body.appendChild(tr);
      if (c.index !== null) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = c.label;
        b.dataset.key = c.key;
        b.title = "move λ to the grid point nearest " + fmt(c.alpha);
        b.addEventListener("click", function () { slider.value = String(c.index); update(); });
        buttons.appendChild(b);
      }
    });
  })();

  /* ---------------------------------------------------------------- coefficient paths */
  var P = D.path;
  var drawn = D.drawn;
  var standardized = false;
  setText("paths-note", "Coefficients in original units against λ" +
    (drawn.length < D.features.length ? "; the " + drawn.length + " largest at the reference λ are drawn, every one is in the table" : "") +
    (D.features.length < D.n_features ? " (the table holds the " + D.features.length + " of " + D.n_features + " features with the largest standardized coefficients)" : "") + ".");

  function pathY(j) {
    var y = col(P, j);
    if (!standardized) { return y; }
    var sd = D.x_sd[j];
    return y.map(function (v) { return v === null ? null : v * sd; });
  }

  function currentCoefs(i) {
    return drawn.map(function (j) { return standardized ? P[i][j] * D.x_sd[j] : P[i][j]; });
  }

  var pathTraces = drawn.map(function (j, k) {
    return { x: A, y: pathY(j), mode: "lines", name: ptext(D.features[j]),
      line: { color: COLORS[k % COLORS.length], width: 1.5 } };
  });
  pathTraces.push({ x: drawn.map(function () { return cur0; }), y: currentCoefs(D.reference_index),
    mode: "markers", name: "at current λ", showlegend: false, hoverinfo: "skip",
    marker: { size: 7, color: "#000" } });
  Plotly.newPlot("plot-paths", pathTraces, {
    margin: { t: 20, r: 20, b: 50, l: 70 },
    xaxis: LOGX,
    yaxis: { title: { text: "coefficient" }, zeroline: true },
    shapes: [vline(cur0, "#000", "solid", "current")]
  }, CFG);

  var coefRows = [];
  (function () {
    var body = $("coef-table").tBodies[0];
    var tr = document.createElement("tr");
    tr.dataset.feature = "intercept";
    var th = cell(tr, "(intercept)");
    th.className = "intercept";
    coefRows.push([cell(tr, "", "num coef"), cell(tr, "", "num std")]);
    cell(tr, "", "num");
    cell(tr, "", "num");
    body.appendChild(tr);
    D.features.forEach(function (name, j) {
      var row = document.createElement("tr");
      row.dataset.feature = String(j);
      cell(row, name);
      coefRows.push([cell(row, "", "num coef"), cell(row, "", "num std")]);
      cell(row, fmt(D.x_mean[j]), "num");
      cell(row, fmt(D.x_sd[j]), "num");
      body.appendChild(row);
    });
  })();

  $("std-toggle").addEventListener("change", function () {
    standardized = this.checked;
    Plotly.restyle("plot-paths", { y: drawn.map(pathY) }, drawn.map(function (_, k) { return k; }));
    Plotly.relayout("plot-paths", { "yaxis.title.text": standardized ? "standardized coefficient" : "coefficient" });
    update();
  });

  /* ---------------------------------------------------------------- bias and variance */
  var BV = D.bias_variance;
  if (BV.available) {
    setText("bv-note", "An estimate: the true coefficients are replaced by the ridge fit at λ̂ = " +
      fmt(BV.alpha_plugin) + " and the noise variance by σ̂² = RSS/ν = " + fmt(BV.sigma2) +
      " (ν = " + fmt(BV.nu, 4) + " residual df). The curves are the exact in-sample squared bias, " +
      "variance and their sum (prediction risk per unit weight) if that were the truth. " +
      "Smallest estimated risk at λ = " + fmt(A[BV.best_index]) + ".");
    Plotly.newPlot("plot-bv", [
      { x: A, y: BV.bias2, mode: "lines", name: "squared bias (estimate)", line: { color: "#d62728" } },
      { x: A, y: BV.variance, mode: "lines", name: "variance (estimate)", line: { color: "#1f5fbf" } },
      { x: A, y: BV.risk, mode: "lines", name: "risk = bias² + variance", line: { color: "#000", width: 2 } },
      { x: [A[BV.best_index]], y: [BV.risk[BV.best_index]], mode: "markers", name: "smallest risk",
        marker: { symbol: "star", size: 12, color: "#000" } }
    ], {
      margin: { t: 20, r: 20, b: 50, l: 70 },
      xaxis: LOGX,
      yaxis: { title: { text: "per unit weight" } },
      shapes: [vline(cur0, "#000", "solid", "current")]
    }, CFG);
  } else {
    setText("bv-note", "Not available: " + BV.note + ".");
  }

  /* ---------------------------------------------------------------- constraint geometry */
  var G = D.geometry;
  var pairX = $("pair-x"), pairY = $("pair-y");
  var THETA = [];
  for (var t = 0; t <= 96; t++) { THETA.push(2 * Math.PI * t / 96); }

  function currentPair() {
    var a = Number(pairX.value), b = Number(pairY.value);
    if (a === b) { return null; }
    var lo = Math.min(a, b), hi = Math.max(a, b);
    var pr = G.pairs[lo + "," + hi];
    return pr ? { p: pr, swap: a > b } : null;
  }

  function xy(v, swap) { return swap ? [v[1], v[0]] : [v[0], v[1]]; }

  function ellipse(c, M, s, swap) {
    var xs = [], ys = [];
    THETA.forEach(function (th) {
      var e0 = Math.cos(th), e1 = Math.sin(th);
      var p = [c[0] + s * (M[0][0] * e0 + M[0][1] * e1), c[1] + s * (M[1][0] * e0 + M[1][1] * e1)];
      p = xy(p, swap);
      xs.push(p[0]);
      ys.push(p[1]);
    });
    return [xs, ys];
  }

  function quad(H, v, c) {
    var d0 = v[0] - c[0], d1 = v[1] - c[1];
    return H[0][0] * d0 * d0 + 2 * H[0][1] * d0 * d1 + H[1][1] * d1 * d1;
  }

  function geometryTraces(i) {
    var cp = currentPair();
    if (!cp) { return null; }
    var p = cp.p, sw = cp.swap;
    var u = p.u[i], c = p.centre[i], l1 = p.l1[i];
    var r = Math.sqrt(u[0] * u[0] + u[1] * u[1]);
    var sR = Math.sqrt(Math.max(quad(p.h, u, c), 0));
    var sL = Math.sqrt(Math.max(quad(p.h, l1, c), 0));
    var circ = { x: THETA.map(function (th) { return r * Math.cos(th); }),
      y: THETA.map(function (th) { return r * Math.sin(th); }) };
    var dia = { x: [r, 0, -r, 0, r], y: [0, r, 0, -r, 0] };
    var eR = ellipse(c, p.h_inv_sqrt, sR, sw), eL = ellipse(c, p.h_inv_sqrt, sL, sw);
    var e2 = ellipse(c, p.h_inv_sqrt, 2 * sR, sw), e05 = ellipse(c, p.h_inv_sqrt, 0.5 * sR, sw);
    var uu = xy(u, sw), cc = xy(c, sw), ll = xy(l1, sw);
    var pathX = p.u.map(function (v) { return xy(v, sw)[0]; });
    var pathY2 = p.u.map(function (v) { return xy(v, sw)[1]; });
    return [
      { x: pathX, y: pathY2, mode: "lines", name: "ridge path over λ", line: { color: "#bbb", width: 1 } },
      { x: e05[0], y: e05[1], mode: "lines", name: "RSS contours", legendgroup: "rss", line: { color: "#9ab", width: 1 } },
      { x: e2[0], y: e2[1], mode: "lines", showlegend: false, legendgroup: "rss", line: { color: "#9ab", width: 1 } },
      { x: eR[0], y: eR[1], mode: "lines", name: "RSS contour through the ridge solution", line: { color: "#1f5fbf", width: 1.5 } },
      { x: eL[0], y: eL[1], mode: "lines", name: "RSS contour through the L1 solution", line: { color: "#d62728", width: 1, dash: "dot" } },
      { x: circ.x, y: circ.y, mode: "lines", name: "L2 circle ‖u‖₂ ≤ r", line: { color: "#1f5fbf", width: 2 } },
      { x: dia.x, y: dia.y, mode: "lines", name: "L1 diamond ‖u‖₁ ≤ r", line: { color: "#d62728", width: 2 } },
      { x: [cc[0]], y: [cc[1]], mode: "markers", name: "RSS minimum (others held)", marker: { symbol: "x", size: 10, color: "#333" } },
      { x: [uu[0]], y: [uu[1]], mode: "markers", name: "ridge solution", marker: { size: 11, color: "#1f5fbf" } },
      { x: [ll[0]], y: [ll[1]], mode: "markers", name: "L1 solution, same radius", marker: { symbol: "diamond", size: 11, color: "#d62728" } }
    ];
  }

  function drawGeometry(i) {
    var traces = geometryTraces(i);
    if (!traces) { return; }
    var cp = currentPair();
    var ext = cp.p.extent;
    var unit = G.standardized ? "standardized coefficient of " : "coefficient of ";
    Plotly.react("plot-geometry", traces, {
      margin: { t: 20, r: 20, b: 50, l: 70 },
      xaxis: { range: [-ext, ext], zeroline: true, title: { text: ptext(unit + pairX.options[pairX.selectedIndex].textContent) } },
      yaxis: { range: [-ext, ext], zeroline: true, scaleanchor: "x", title: { text: ptext(unit + pairY.options[pairY.selectedIndex].textContent) } },
      legend: { font: { size: 10 }, orientation: "h", y: -0.15 }
    }, CFG);
  }

  if (G.available) {
    G.candidates.forEach(function (name, k) {
      [pairX, pairY].forEach(function (sel) {
        var o = document.createElement("option");
        o.value = String(k);
        o.textContent = name;
        sel.appendChild(o);
      });
    });
    pairX.value = String(G.default_pair[0]);
    pairY.value = String(G.default_pair[1]);
    setText("geometry-note", "Two coefficients, the others held at their values at the current λ " +
      "and the intercept refitted: the residual sum of squares is a quadratic in the two, " +
      "drawn by its contours. The ridge solution is where a contour touches the L2 circle " +
      "whose radius is its own norm; the diamond of the same radius (the L1 constraint) is " +
      "touched elsewhere, often at a corner, where one coefficient is exactly 0." +
      (G.standardized ? " Axes: standardized coefficients (the scale the penalty acts on)." : ""));
    var onPair = function () {
      if (!currentPair()) {
        setText("geometry-note", "Choose two different features (pairs of collinear features are not drawn).");
        return;
      }
      drawGeometry(Number(slider.value));
    };
    pairX.addEventListener("change", onPair);
    pairY.addEventListener("change", onPair);
  } else {
    setText("geometry-note", "Not available: " + G.note + ".");
    pairX.disabled = true;
    pairY.disabled = true;
  }

  /* ---------------------------------------------------------------- the slider */
  function update() {
    var i = Number(slider.value);
    var a = A[i];
    setText("alpha-value", fmt(a));
    $("alpha-value").dataset.index = String(i);
    setText("df-value", fmt(D.df[i]));
    setText("train-value", fmt(D.train_mse[i]));
    if (D.loo) { setText("loo-value", fmt(D.loo.mean[i])); setText("loo-se", fmt(D.loo.se[i], 3)); }
    if (D.kfold) { setText("kfold-value", fmt(D.kfold.mean[i])); setText("kfold-se", fmt(D.kfold.se[i], 3)); }
    setText("gcv-value", fmt(D.gcv[i]));
    if (D.validation_mse) { setText("validation-value", fmt(D.validation_mse[i])); }
    setText("cond-value", fmt(D.condition[i], 4));
    coefRows[0][0].textContent = fmt(D.intercept[i]);
    coefRows[0][1].textContent = "";
    for (var j = 0; j < D.features.length; j++) {
      coefRows[j + 1][0].textContent = fmt(P[i][j]);
      coefRows[j + 1][1].textContent = fmt(P[i][j] * D.x_sd[j]);
    }
    convCells.forEach(function (pair) { pair[0].textContent = fmt(pair[1] * a); });
    var line = { "shapes[0].x0": a, "shapes[0].x1": a };
    Plotly.relayout("plot-errors", line);
    Plotly.relayout("plot-df", line);
    Plotly.restyle("plot-df", { x: [[a]], y: [[D.df[i]]] }, [1]);
    Plotly.relayout("plot-paths", line);
    Plotly.restyle("plot-paths", { x: [drawn.map(function () { return a; })], y: [currentCoefs(i)] }, [drawn.length]);
    if (BV.available) { Plotly.relayout("plot-bv", line); }
    if (G.available) { drawGeometry(i); }
  }
  slider.addEventListener("input", update);
  slider.addEventListener("change", update);

  /* ---------------------------------------------------------------- weight-decay demo */
  var W0 = 2, WSTAR = 1;
  function logScale(el, lo, hi) { return Math.pow(10, lo + (hi - lo) * Number(el.value) / 200); }

  function weightDecay() {
    var lam = logScale($("wd-lambda"), -3, 1);
    var eta = logScale($("wd-eta"), -3, 0.5);
    var c = logScale($("wd-curvature"), -1, 1);
    var steps = Math.max(1, Math.min(2000, Math.round(Number($("wd-steps").value) || 1)));
    var out = $("wd-lambda-value");
    out.textContent = fmt(lam, 4);
    out.dataset.value = String(lam);
    out = $("wd-eta-value");
    out.textContent = fmt(eta, 4);
    out.dataset.value = String(eta);
    out = $("wd-curvature-value");
    out.textContent = fmt(c, 4);
    out.dataset.value = String(c);
    var x = [], wDecay = [], wPlain = [], wOnly = [];
    var w = W0, v = W0, o = W0;
    for (var t = 0; t <= steps; t++) {
      x.push(t);
      wDecay.push(isFinite(w) ? w : null);
      wPlain.push(isFinite(v) ? v : null);
      wOnly.push(o);
      w = (1 - eta * lam) * w - eta * c * (w - WSTAR);   /* w ← (1 − ηλ)w − η ∂L/∂w */
      v = v - eta * c * (v - WSTAR);                      /* λ = 0 */
      o = (1 - eta * lam) * o;                            /* ∂L/∂w = 0: decay alone */
    }
    var fixed = c * WSTAR / (c + lam);
    var rho = 1 - eta * (c + lam);
    var last = wDecay[wDecay.length - 1];
    var fin = $("wd-final");
    fin.textContent = fmt(last);
    fin.dataset.value = String(last);
    setText("wd-fixed", fmt(fixed));
    setText("wd-rho", fmt(rho, 4));
    var status = $("wd-status");
    status.className = Math.abs(rho) >= 1 ? "warn" : "";
    status.textContent = Math.abs(rho) >= 1 ? "diverges: η(c + λ) ≥ 2"
      : rho < 0 ? "converges, overshooting (η(c + λ) > 1)" : "converges monotonically";
    var lim = 3;
    Plotly.react("plot-wd", [
      { x: x, y: wDecay, mode: "lines", name: "with weight decay λ", line: { color: "#1f5fbf", width: 2 } },
      { x: x, y: wPlain, mode: "lines", name: "without (λ = 0)", line: { color: "#888", dash: "dash" } },
      { x: x, y: wOnly, mode: "lines", name: "decay alone (∂L/∂w = 0)", line: { color: "#d62728", dash: "dot" } }
    ], {
      margin: { t: 20, r: 20, b: 50, l: 60 },
      xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "w" }, range: [-lim, lim] },
      shapes: [
        { type: "line", xref: "paper", x0: 0, x1: 1, y0: fixed, y1: fixed, name: "fixed point", line: { color: "#1f5fbf", dash: "dot", width: 1 } },
        { type: "line", xref: "paper", x0: 0, x1: 1, y0: WSTAR, y1: WSTAR, name: "w*", line: { color: "#888", dash: "dot", width: 1 } }
      ]
    }, CFG);
  }
  ["wd-lambda", "wd-eta", "wd-curvature", "wd-steps"].forEach(function (id) {
    $(id).addEventListener("input", weightDecay);
    $(id).addEventListener("change", weightDecay);
  });

  /* ---------------------------------------------------------------- deep-learning runs */
  if (D.demos.length) {
    setText("dl-note", "Training runs given to the report (train and validation loss, and " +
      "the weight norm, per step), one per weight-decay setting.");
    var lossTraces = [], normTraces = [];
    D.demos.forEach(function (run, k) {
      var color = COLORS[k % COLORS.length];
      lossTraces.push({ x: run.steps, y: run.train_loss, mode: "lines", name: ptext(run.label + ": train"), line: { color: color } });
      lossTraces.push({ x: run.steps, y: run.val_loss, mode: "lines", name: ptext(run.label + ": validation"), line: { color: color, dash: "dash" } });
      normTraces.push({ x: run.steps, y: run.weight_norm, mode: "lines", name: ptext(run.label), line: { color: color } });
    });
    Plotly.newPlot("plot-dl-loss", lossTraces, {
      margin: { t: 20, r: 20, b: 50, l: 60 }, xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "loss" } }
    }, CFG);
    Plotly.newPlot("plot-dl-norm", normTraces, {
      margin: { t: 10, r: 20, b: 45, l: 60 }, xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "weight norm" } }
    }, CFG);
  } else {
    setText("dl-note", "No deep-learning runs in this report: pass demos= to " +
      "ridgeway.report.build (runs with steps, train_loss, val_loss and weight_norm, such as " +
      "those of the PyTorch weight-decay demo, which needs the torch extra).");
    $("plot-dl-loss").hidden = true;
    $("plot-dl-norm").hidden = true;
  }

  update();
  weightDecay();
  document.body.dataset.ready = "1";
})();
