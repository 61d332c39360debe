// What both generators share: weights and inputs from formulas, and a TF.js model written as TF.js saves it.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

/**
 * Sets every weight of the model to sin(1 + index + 0.37 · position) · scale, in model.weights order (moving variances
 * to |that| + 0.5: a variance is positive).
 */
function setWeights(model, scale = 0.5) {
  let position = 0;
  model.setWeights(model.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const variance = w.originalName.endsWith('moving_variance');
    for (let i = 0; i < size; i++) {
      const value = Math.sin(1 + i + 0.37 * position) * scale;
      data[i] = variance ? Math.abs(value) + 0.5 : value;
    }
    position++;
    return tf.tensor(data, w.shape);
  }));
}

/** cos(offset + 0.7 i) · scale + shift, in the given shape (batch first). */
function ramp(shape, offset, scale = 1, shift = 0) {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.cos(offset + 0.7 * i) * scale + shift;
  return tf.tensor(data, shape);
}

/** Writes the model's model.json and weights.bin into folder, as TF.js's file handler would. */
async function saveModel(folder, model) {
  fs.mkdirSync(folder, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.writeFileSync(path.join(folder, 'weights.bin'), Buffer.from(artifacts.weightData));
    const json = {
      format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify(json, null, 1));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

module.exports = { setWeights, ramp, saveModel };
