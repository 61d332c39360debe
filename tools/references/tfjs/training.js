// The training reference matrix of issue 16: for each case, a TF.js Layers model (model.json, weights.bin: its config
// and initial weights), the inputs and targets, how it is compiled (optimizer, loss, loss weights, class or sample
// weights, gradient clipping, written as Keras configs), and the loss and every weight after each of three optimizer
// steps on the same batch. Written to ../../../Tests/References/tfjs/training/<case>/. Deterministic: weights and data
// come from formulas. Run through generate.js.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { setWeights, ramp, saveModel } = require('./common');

const out = path.join(__dirname, '..', '..', '..', 'Tests', 'References', 'tfjs', 'training');
const STEPS = 3;
const BATCH = 4;

/** Integers in [0, count) (token ids, class indices), deterministic, with zeros where `zeros` says (masked steps). */
function ids(shape, count, offset, zeros = () => false) {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = zeros(i) ? 0 : 1 + ((i * 7 + offset) % (count - 1));
  return tf.tensor(data, shape);
}

/** One-hot rows of `classes` classes, the class of row r being (r + offset) mod classes. */
function oneHot(rows, classes, offset) {
  return tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, r) => (r + offset) % classes), 'int32'), classes).toFloat();
}

const plain = (t) => ({ shape: t.shape, data: Array.from(t.dataSync()) });
const weightsOf = (model) => model.weights.map((w) => ({ name: w.originalName, shape: w.shape, data: Array.from(w.read().dataSync()) }));

// Float32 values written with 9 significant digits: enough to read back the same float32, half the size of a double.
const compact = (key, value) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(9)) : value);

/**
 * The loop of a TF.js optimizer's applyGradients: for each variable (gradients come as a list or by name), its slots
 * (zero variables, made on first use under TF.js's names) and its update, run in a tidy scope; then the step count.
 */
function applyEach(optimizer, variableGradients, slots, update) {
  const pairs = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor]) : Object.entries(variableGradients);
  for (const [i, [name, gradient]] of pairs.entries()) {
    const value = tf.engine().registeredVariables[name];
    for (const [field, suffix] of slots)
      if (optimizer[field][i] == null)
        optimizer[field][i] = { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    if (gradient == null) continue;
    tf.tidy(() => update(value, gradient, ...slots.map(([field]) => optimizer[field][i].variable)));
  }
  optimizer.incrementIterations();
}

/**
 * Adadelta as Keras writes it. TF.js 4.22's AdadeltaOptimizer divides by the root of the squared-gradient average
 * from before this step's gradient joins it; Keras (2 and 3) by the one after. This is TF.js's update with that one
 * term taken after the average is updated.
 */
class KerasAdadelta extends tf.AdadeltaOptimizer {
  applyGradients(variableGradients) {
    applyEach(this, variableGradients, [['accumulatedGrads', 'accum_grad'], ['accumulatedUpdates', 'accum_var']], (value, gradient, accumulatedGrad, accumulatedUpdate) => {
      const newAccumulatedGrad = tf.add(tf.mul(accumulatedGrad, this.rho), tf.mul(tf.square(gradient), 1 - this.rho));
      const updates = tf.mul(tf.div(tf.sqrt(tf.add(accumulatedUpdate, this.epsilon)), tf.sqrt(tf.add(newAccumulatedGrad, this.epsilon))), gradient);
      const newAccumulatedUpdate = tf.add(tf.mul(accumulatedUpdate, this.rho), tf.mul(tf.square(updates), 1 - this.rho));
      accumulatedGrad.assign(newAccumulatedGrad);
      accumulatedUpdate.assign(newAccumulatedUpdate);
      value.assign(tf.add(tf.mul(updates, -this.learningRate), value));
    });
  }
}


/**
 * Adam as Keras (2 and 3) writes it: w −= lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(sqrt(v) + ε). TF.js 4.22's AdamOptimizer adds
 * ε to the root of the bias-corrected v instead, which differs where gradients are small next to ε.
 */
class KerasAdam extends tf.AdamOptimizer {
  applyGradients(variableGradients) {
    const t = this.iterations + 1;
    const alpha = this.learningRate * Math.sqrt(1 - Math.pow(this.beta2, t)) / (1 - Math.pow(this.beta1, t));
    applyEach(this, variableGradients, [['accumulatedFirstMoment', 'm'], ['accumulatedSecondMoment', 'v']], (value, gradient, m, v) => {
      const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      m.assign(newM);
      v.assign(newV);
      value.assign(tf.sub(value, tf.mul(alpha, tf.div(newM, tf.add(tf.sqrt(newV), this.epsilon)))));
    });
  }
}

/**
 * Centered RMSprop as Keras writes it: lr·g/sqrt(ms − mg² + ε). TF.js 4.22's RMSPropOptimizer subtracts ε there
 * (sqrt(ms − (mg² + ε))), which gives NaN where a gradient is near zero. Plain RMSprop is TF.js's own.
 */
class KerasCenteredRMSprop extends tf.RMSPropOptimizer {
  applyGradients(variableGradients) {
    applyEach(this, variableGradients, [['accumulatedMeanSquares', 'rms'], ['accumulatedMoments', 'momentum'], ['accumulatedMeanGrads', 'mg']], (value, gradient, ms, moments, mg) => {
      const newMs = tf.add(tf.mul(ms, this.decay), tf.mul(tf.square(gradient), 1 - this.decay));
      const newMg = tf.add(tf.mul(mg, this.decay), tf.mul(gradient, 1 - this.decay));
      const step = tf.div(tf.mul(gradient, this.learningRate), tf.sqrt(tf.add(tf.sub(newMs, tf.square(newMg)), this.epsilon)));
      const newMoments = tf.add(tf.mul(moments, this.momentum), step);
      ms.assign(newMs);
      mg.assign(newMg);
      moments.assign(newMoments);
      value.assign(tf.sub(value, newMoments));
    });
  }
}

/** The optimizers of the matrix: how TF.js makes each, and the same optimizer as a Keras config. */
const optimizers = {
  sgd: { make: () => tf.train.sgd(0.1), keras: { class_name: 'SGD', config: { learning_rate: 0.1 } } },
  momentum: { make: () => tf.train.momentum(0.1, 0.9), keras: { class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9 } } },
  nesterov: { make: () => tf.train.momentum(0.1, 0.9, true), keras: { class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9, nesterov: true } } },
  rmsprop: { make: () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7), keras: { class_name: 'RMSprop', config: { learning_rate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7 } } },
  rmsprop_momentum: { make: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7), keras: { class_name: 'RMSprop', config: { learning_rate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7 } } },
  rmsprop_centered: { make: () => new KerasCenteredRMSprop(0.01, 0.9, 0, 1e-7, true), keras: { class_name: 'RMSprop', config: { learning_rate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true } } },
  adam: { make: () => new KerasAdam(0.01, 0.9, 0.999, 1e-7), keras: { class_name: 'Adam', config: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } } },
  adagrad: { make: () => tf.train.adagrad(0.1, 0.1), keras: { class_name: 'Adagrad', config: { learning_rate: 0.1, initial_accumulator_value: 0.1, epsilon: 1e-7 } } },
  adadelta: { make: () => new KerasAdadelta(1.0, 0.95, 1e-7), keras: { class_name: 'Adadelta', config: { learning_rate: 1.0, rho: 0.95, epsilon: 1e-7 } } },
  adamax: { make: () => tf.train.adamax(0.01, 0.9, 0.999, 1e-7), keras: { class_name: 'Adamax', config: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } } },
};

/** TF.js loss names and their Keras names. */
const losses = {
  meanSquaredError: 'mean_squared_error', meanAbsoluteError: 'mean_absolute_error',
  meanAbsolutePercentageError: 'mean_absolute_percentage_error', meanSquaredLogarithmicError: 'mean_squared_logarithmic_error',
  squaredHinge: 'squared_hinge', hinge: 'hinge', categoricalHinge: 'categorical_hinge', logcosh: 'log_cosh',
  categoricalCrossentropy: 'categorical_crossentropy', sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  binaryCrossentropy: 'binary_crossentropy', kullbackLeiblerDivergence: 'kl_divergence', poisson: 'poisson',
  cosineProximity: 'cosine_similarity',
};

/**
 * Trains one case for STEPS steps and writes it. `c` holds: model, x (tensors), y (tensors), optimizer (key of
 * `optimizers`), loss (TF.js names, one per output), and optionally lossWeights, classWeight, sampleWeight (one
 * weight per row), clip ({clipnorm} or {clipvalue}), note.
 */
async function writeCase(name, c) {
  const folder = path.join(out, name);
  const { model } = c;
  const optimizer = optimizers[c.optimizer];
  const tfOptimizer = optimizer.make();
  const lossNames = c.loss;
  model.compile({ optimizer: tfOptimizer, loss: lossNames.length === 1 ? lossNames[0] : lossNames });
  if (c.lossWeights) {
    // TF.js 4.22's compile ignores lossWeights; Keras's total loss is the sum of each output's loss times its weight.
    model.lossFunctions = model.lossFunctions.map((fn, i) => (yTrue, yPred) => tf.mul(fn(yTrue, yPred), c.lossWeights[i]));
  }
  if (c.sampleWeight) {
    // TF.js's fit has no sample_weight; Keras weighs each row's loss and divides by the batch size (its default
    // "sum_over_batch_size"): the same loss as the function TF.js's training step calls (its target checks still see
    // the named loss).
    const perRow = model.lossFunctions[0];
    const weight = tf.tensor1d(c.sampleWeight);
    model.lossFunctions[0] = (yTrue, yPred) => tf.mul(perRow(yTrue, yPred), weight);
  }
  await saveModel(folder, model);
  const keras = { ...optimizer.keras, config: { ...optimizer.keras.config, ...(c.clip || {}) } };
  const expected = {
    note: c.note,
    optimizer: keras,
    loss: lossNames.map((l) => losses[l]),
    lossWeights: c.lossWeights ?? null,
    classWeight: c.classWeight ?? null,
    sampleWeight: c.sampleWeight ?? null,
    inputs: c.x.map(plain),
    targets: c.y.map(plain),
    steps: [],
  };
  for (let step = 0; step < STEPS; step++) {
    let loss;
    if (c.clip) loss = clippedStep(model, tfOptimizer, c.x, c.y, c.clip);
    else {
      const history = await model.fit(c.x, c.y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, classWeight: c.classWeight });
      loss = history.history.loss[0];
    }
    expected.steps.push({ loss, weights: weightsOf(model) });
  }
  fs.writeFileSync(path.join(folder, 'expected.json'), JSON.stringify(expected, compact));
}

/**
 * One step with Keras's per-variable gradient clipping, which TF.js's optimizers do not have: the gradient of the
 * compiled loss, clipped as Keras clips it (clipnorm: g · c / max(‖g‖, c); clipvalue: g clipped to [−c, c]), then
 * applied by the same optimizer. Models here have one output and no batch-statistics layers.
 */
function clippedStep(model, optimizer, x, y, clip) {
  const lossFn = model.lossFunctions[0];
  const trainable = model.trainableWeights.map((w) => w.read());
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.mean(lossFn(y[0], model.apply(x[0], { training: true }))), trainable);
    const clipped = {};
    for (const [name, g] of Object.entries(grads)) {
      clipped[name] = clip.clipnorm != null
        ? tf.div(tf.mul(g, clip.clipnorm), tf.maximum(tf.norm(g), clip.clipnorm))
        : tf.clipByValue(g, -clip.clipvalue, clip.clipvalue);
    }
    optimizer.applyGradients(clipped);
    return value.dataSync()[0];
  });
}

/** A functional model of one layer (or a small graph) under test, its input(s) and target(s). */
function layerCases() {
  const l = tf.layers;
  const single = (inputShape, build, { dtype = 'float32', x, yShape, scale = 0.3 } = {}) => () => {
    const input = tf.input({ shape: inputShape, name: 'x', dtype });
    const output = build(input);
    const model = tf.model({ inputs: input, outputs: output, name: 'case' });
    setWeights(model, scale);
    const xs = x ?? ramp([BATCH, ...inputShape], 0.5);
    const target = ramp([BATCH, ...(yShape ?? output.shape.slice(1))], 1.5, 0.5);
    return { model, x: [xs], y: [target] };
  };
  return {
    dense: single([5], (x) => l.dense({ units: 3, activation: 'tanh', name: 'dense' }).apply(x)),
    conv1d: single([6, 2], (x) => l.conv1d({ filters: 3, kernelSize: 3, padding: 'same', strides: 1, name: 'conv' }).apply(x)),
    conv2d: single([5, 5, 2], (x) => l.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv' }).apply(x)),
    conv3d: single([4, 4, 4, 1], (x) => l.conv3d({ filters: 2, kernelSize: 2, strides: 2, name: 'conv' }).apply(x)),
    conv2d_transpose: single([3, 3, 2], (x) => l.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 'deconv' }).apply(x)),
    separable_conv2d: single([5, 5, 2], (x) => l.separableConv2d({ filters: 3, kernelSize: 3, name: 'separable' }).apply(x)),
    depthwise_conv2d: single([5, 5, 2], (x) => l.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'depthwise' }).apply(x)),
    embedding: single([3], (x) => l.flatten({ name: 'flat' }).apply(l.embedding({ inputDim: 6, outputDim: 2, name: 'embedding' }).apply(x)),
      { dtype: 'int32', x: ids([BATCH, 3], 6, 1) }),
    simple_rnn: single([4, 3], (x) => l.simpleRNN({ units: 3, returnSequences: true, name: 'rnn' }).apply(x)),
    lstm: single([4, 3], (x) => l.lstm({ units: 3, name: 'lstm' }).apply(x)),
    gru: single([4, 3], (x) => l.gru({ units: 3, name: 'gru' }).apply(x)),
    // Padded sequences: Embedding(mask_zero) → LSTM, whose masked steps keep the state (zeros at the ends of rows).
    masked_lstm: single([5], (x) => l.lstm({ units: 3, name: 'lstm' }).apply(l.embedding({ inputDim: 7, outputDim: 3, maskZero: true, name: 'embedding' }).apply(x)),
      { dtype: 'int32', x: ids([BATCH, 5], 7, 2, (i) => i % 5 >= 5 - (Math.floor(i / 5) % 3)) }),
    bidirectional: single([4, 3], (x) => l.bidirectional({ layer: l.lstm({ units: 2, name: 'lstm' }), mergeMode: 'concat', name: 'bi' }).apply(x)),
    batch_normalization: single([6], (x) => l.batchNormalization({ name: 'bn' }).apply(l.dense({ units: 4, useBias: false, name: 'dense' }).apply(x))),
    batch_normalization_conv: single([3, 3, 2], (x) => l.batchNormalization({ momentum: 0.9, name: 'bn' }).apply(l.conv2d({ filters: 2, kernelSize: 2, useBias: false, name: 'conv' }).apply(x))),
    layer_normalization: single([6], (x) => l.layerNormalization({ name: 'ln' }).apply(l.dense({ units: 4, name: 'dense' }).apply(x))),
    prelu: single([5], (x) => l.prelu({ name: 'prelu' }).apply(l.dense({ units: 4, name: 'dense' }).apply(x))),
    time_distributed: single([3, 4], (x) => l.timeDistributed({ layer: l.dense({ units: 2, activation: 'sigmoid', name: 'step' }), name: 'per_step' }).apply(x)),
    nested_model: () => {
      const innerInput = tf.input({ shape: [4], name: 'inner_x' });
      const inner = tf.model({ inputs: innerInput, outputs: l.dense({ units: 3, activation: 'relu', name: 'inner_dense' }).apply(innerInput), name: 'inner' });
      const input = tf.input({ shape: [4], name: 'x' });
      const output = l.dense({ units: 2, name: 'head' }).apply(inner.apply(input));
      const model = tf.model({ inputs: input, outputs: output, name: 'case' });
      setWeights(model, 0.3);
      return { model, x: [ramp([BATCH, 4], 0.5)], y: [ramp([BATCH, 2], 1.5, 0.5)] };
    },
    shared_layer: () => {
      const a = tf.input({ shape: [3], name: 'a' });
      const b = tf.input({ shape: [3], name: 'b' });
      const shared = l.dense({ units: 2, activation: 'tanh', name: 'shared' });
      const merged = l.concatenate({ name: 'merged' }).apply([shared.apply(a), shared.apply(b)]);
      const model = tf.model({ inputs: [a, b], outputs: l.dense({ units: 2, name: 'head' }).apply(merged), name: 'case' });
      setWeights(model, 0.3);
      return { model, x: [ramp([BATCH, 3], 0.5), ramp([BATCH, 3], 2.5)], y: [ramp([BATCH, 2], 1.5, 0.5)] };
    },
    masked_gru: single([5], (x) => l.gru({ units: 3, name: 'gru' }).apply(l.embedding({ inputDim: 7, outputDim: 3, maskZero: true, name: 'embedding' }).apply(x)),
      { dtype: 'int32', x: ids([BATCH, 5], 7, 3, (i) => i % 5 >= 5 - (Math.floor(i / 5) % 3)) }),
    // A frozen BatchNormalization runs in inference mode and keeps its moving statistics, as in Keras 3 (and
    // tf.keras 2): TF.js 4.22 still normalizes a frozen one by the batch and updates its statistics (Keras 2.0's
    // rule), so the generator calls it with training = training and trainable, Keras's own rule.
    frozen_batch_normalization: single([5], (x) => {
      const bn = l.batchNormalization({ name: 'bn', trainable: false });
      const call = bn.call.bind(bn);
      bn.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: Boolean(kwargs.training) && bn.trainable });
      const hidden = bn.apply(l.dense({ units: 4, name: 'dense' }).apply(x));
      return l.dense({ units: 2, name: 'head' }).apply(hidden);
    }),
    frozen_layer: single([5], (x) => {
      const frozen = l.dense({ units: 4, activation: 'tanh', name: 'frozen', trainable: false });
      return l.dense({ units: 2, name: 'head' }).apply(frozen.apply(x));
    }),
  };
}

/** A Dense model whose output suits the loss, and targets of the kind the loss takes. */
function lossCase(loss) {
  const l = tf.layers;
  const activation = {
    categoricalCrossentropy: 'softmax', sparseCategoricalCrossentropy: 'softmax', kullbackLeiblerDivergence: 'softmax',
    binaryCrossentropy: 'sigmoid', poisson: 'softplus', meanSquaredLogarithmicError: 'softplus', categoricalHinge: 'linear',
  }[loss] ?? 'linear';
  const units = loss === 'binaryCrossentropy' ? 1 : 3;
  const input = tf.input({ shape: [5], name: 'x' });
  const model = tf.model({ inputs: input, outputs: l.dense({ units, activation, name: 'dense' }).apply(input), name: 'case' });
  setWeights(model, 0.4);
  let y;
  switch (loss) {
    case 'categoricalCrossentropy': case 'categoricalHinge': y = oneHot(BATCH, 3, 1); break;
    case 'sparseCategoricalCrossentropy': y = tf.tensor2d([[1], [2], [0], [1]]); break;
    case 'binaryCrossentropy': y = tf.tensor2d([[1], [0], [0], [1]]); break;
    case 'kullbackLeiblerDivergence': y = tf.softmax(ramp([BATCH, 3], 1.5)); break;
    case 'hinge': case 'squaredHinge': y = tf.sign(ramp([BATCH, 3], 1.2)); break;
    case 'poisson': case 'meanSquaredLogarithmicError': case 'meanAbsolutePercentageError': y = ramp([BATCH, 3], 1.5, 0.5, 1.0); break;
    default: y = ramp([BATCH, 3], 1.5, 0.5);
  }
  return { model, x: [ramp([BATCH, 5], 0.5)], y: [y] };
}

async function trainingMatrix() {
  fs.rmSync(out, { recursive: true, force: true });
  // Every layer case under every optimizer, mean squared error.
  for (const [layer, make] of Object.entries(layerCases()))
    for (const optimizer of Object.keys(optimizers))
      await writeCase(`${layer}__${optimizer}`, { ...make(), optimizer, loss: ['meanSquaredError'] });
  // Every loss, plain and with sample weights (SGD).
  for (const loss of Object.keys(losses)) {
    await writeCase(`loss_${losses[loss]}`, { ...lossCase(loss), optimizer: 'sgd', loss: [loss] });
    await writeCase(`loss_${losses[loss]}__sample_weight`, { ...lossCase(loss), optimizer: 'sgd', loss: [loss], sampleWeight: [0.5, 2.0, 1.0, 0.25] });
  }
  // Class weights, for the losses whose targets name classes.
  await writeCase('loss_categorical_crossentropy__class_weight', { ...lossCase('categoricalCrossentropy'), optimizer: 'sgd', loss: ['categoricalCrossentropy'], classWeight: { 0: 0.5, 1: 2.0, 2: 1.5 } });
  await writeCase('loss_sparse_categorical_crossentropy__class_weight', { ...lossCase('sparseCategoricalCrossentropy'), optimizer: 'adam', loss: ['sparseCategoricalCrossentropy'], classWeight: { 0: 0.5, 1: 2.0, 2: 1.5 } });
  await writeCase('loss_binary_crossentropy__class_weight', { ...lossCase('binaryCrossentropy'), optimizer: 'sgd', loss: ['binaryCrossentropy'], classWeight: { 0: 3.0, 1: 0.5 } });
  // Two outputs with loss weights.
  for (const optimizer of ['sgd', 'adam']) {
    const l = tf.layers;
    const input = tf.input({ shape: [5], name: 'x' });
    const hidden = l.dense({ units: 4, activation: 'relu', name: 'hidden' }).apply(input);
    const score = l.dense({ units: 1, name: 'score' }).apply(hidden);
    const label = l.dense({ units: 3, activation: 'softmax', name: 'label' }).apply(hidden);
    const model = tf.model({ inputs: input, outputs: [score, label], name: 'case' });
    setWeights(model, 0.4);
    await writeCase(`two_outputs_loss_weights__${optimizer}`, {
      model, x: [ramp([BATCH, 5], 0.5)], y: [ramp([BATCH, 1], 1.5), oneHot(BATCH, 3, 2)], optimizer,
      loss: ['meanSquaredError', 'categoricalCrossentropy'], lossWeights: [0.3, 1.7],
    });
  }
  // Gradient clipping (Keras's clipnorm and clipvalue, per variable), with gradients large enough to be clipped.
  for (const [clipName, clip] of [['clipnorm', { clipnorm: 0.5 }], ['clipvalue', { clipvalue: 0.05 }]])
    for (const optimizer of ['sgd', 'adam']) {
      const l = tf.layers;
      const input = tf.input({ shape: [5], name: 'x' });
      const output = l.dense({ units: 3, name: 'head' }).apply(l.dense({ units: 4, activation: 'tanh', name: 'hidden' }).apply(input));
      const model = tf.model({ inputs: input, outputs: output, name: 'case' });
      setWeights(model, 0.4);
      await writeCase(`${clipName}__${optimizer}`, { model, x: [ramp([BATCH, 5], 0.5, 2)], y: [ramp([BATCH, 3], 1.5, 3)], optimizer, loss: ['meanSquaredError'], clip });
    }
}

module.exports = { trainingMatrix };
