// Writes TF.js Layers models that nest models and wrap layers, with the outputs TF.js computes for fixed inputs, into
// ../../../Tests/References/tfjs/<case>/ (model.json, weights.bin, expected.json). Deterministic: weights are set from
// a formula, not drawn at random. Run: npm ci && node generate.js
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { trainingMatrix } = require('./training');
const { setWeights, ramp, saveModel } = require('./common');

const out = path.join(__dirname, '..', '..', '..', 'Tests', 'References', 'tfjs');

async function write(name, model, inputs) {
  const folder = path.join(out, name);
  await saveModel(folder, model);
  const outputs = model.predict(inputs);
  const expected = {
    inputs: inputs.map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) })),
    outputs: (Array.isArray(outputs) ? outputs : [outputs]).map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) })),
  };
  fs.writeFileSync(path.join(folder, 'expected.json'), JSON.stringify(expected));
}

/** One SGD step of a model on (x, y) through trainOnBatch; writes the model before the step and every weight after. */
async function writeTraining(name, model, x, y) {
  const folder = path.join(out, name);
  fs.mkdirSync(folder, { recursive: true });
  await write(name, model, [x]);
  const before = model.predict(x);
  const loss = await model.trainOnBatch(x, y);
  const expected = JSON.parse(fs.readFileSync(path.join(folder, 'expected.json')));
  expected.targets = [{ shape: y.shape, data: Array.from(y.dataSync()) }];
  expected.lossAfterOneStep = loss;
  expected.weightsAfterOneStep = model.weights.map((w) => ({ name: w.originalName, shape: w.shape, data: Array.from(w.read().dataSync()) }));
  before.dispose();
  fs.writeFileSync(path.join(folder, 'expected.json'), JSON.stringify(expected));
}

async function main() {
  // The guide's shared vision model: a model called as a layer, and the same model under TimeDistributed.
  {
    const vin = tf.input({ shape: [4], name: 'vision_input' });
    const hidden = tf.layers.dense({ units: 3, activation: 'relu', name: 'vision_dense' }).apply(vin);
    const vout = tf.layers.dense({ units: 2, activation: 'tanh', name: 'vision_out' }).apply(hidden);
    const vision = tf.model({ inputs: vin, outputs: vout, name: 'vision_model' });
    const a = tf.input({ shape: [4], name: 'a' });
    const frames = tf.input({ shape: [3, 4], name: 'frames' });
    const encodedA = vision.apply(a);
    const encodedFrames = tf.layers.timeDistributed({ layer: vision, name: 'frame_encoder' }).apply(frames);
    const merged = tf.layers.concatenate({ name: 'merged' }).apply([encodedA, tf.layers.flatten({ name: 'flat' }).apply(encodedFrames)]);
    const prediction = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'prediction' }).apply(merged);
    const model = tf.model({ inputs: [a, frames], outputs: prediction, name: 'nested_vision' });
    setWeights(model);
    await write('nested_vision', model, [ramp([2, 4], 0), ramp([2, 3, 4], 1)]);
  }
  // Wrapped layers: TimeDistributed(Dense) and Bidirectional(LSTM), whose weights TF.js names by the wrapper.
  {
    const seq = tf.input({ shape: [5, 3], name: 'seq' });
    const dense = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 4, name: 'step_dense' }), name: 'per_step' }).apply(seq);
    const both = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true, name: 'lstm' }), mergeMode: 'concat', name: 'bi' }).apply(dense);
    const model = tf.model({ inputs: seq, outputs: both, name: 'wrapped' });
    setWeights(model);
    await write('wrapped', model, [ramp([2, 5, 3], 2)]);
  }
}

async function training() {
  // The DCGAN-style generator of issue 16: Dense → BatchNormalization → LeakyReLU → Reshape → UpSampling2D →
  // Conv2DTranspose → BatchNormalization → tanh, one SGD step (learning rate 0.1) of mean squared error, batch of 4.
  // The same without UpSampling2D isolates TF.js's gradient of nearest-neighbour upsampling, which differs from the
  // true gradient (see Tests/References/README.md).
  for (const [name, upsample] of [['dcgan_sgd_step', true], ['dcgan_no_upsampling_sgd_step', false]]) {
    const z = tf.input({ shape: [4], name: 'z' });
    let h = tf.layers.dense({ units: 16, useBias: false, name: 'project' }).apply(z);
    h = tf.layers.batchNormalization({ name: 'bn_1' }).apply(h);
    h = tf.layers.leakyReLU({ alpha: 0.2, name: 'leaky' }).apply(h);
    h = tf.layers.reshape({ targetShape: [2, 2, 4], name: 'reshape' }).apply(h);
    if (upsample) h = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(h);
    h = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, padding: 'same', name: 'deconv' }).apply(h);
    h = tf.layers.batchNormalization({ name: 'bn_2' }).apply(h);
    const image = tf.layers.activation({ activation: 'tanh', name: 'tanh' }).apply(h);
    const model = tf.model({ inputs: z, outputs: image, name: 'generator' });
    setWeights(model);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const side = upsample ? 4 : 2;
    await writeTraining(name, model, ramp([4, 4], 3), ramp([4, side, side, 2], 4).mul(0.5));
  }
}

main().then(training).then(trainingMatrix).catch((e) => { console.error(e); process.exit(1); });
