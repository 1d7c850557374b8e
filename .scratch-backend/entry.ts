import * as tf from '@tensorflow/tfjs';
import { selectBackend, describeBackend } from '../src/engine/backend/select-backend';
selectBackend('auto').then(async (name) => {
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, tf.ones([3, 3, 2, 4]) as tf.Tensor4D, 1, 'same')));
  const w = tf.variable(tf.ones([3, 3, 2, 4]));
  const { value } = tf.variableGrads(() => tf.sum(tf.conv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, w as unknown as tf.Tensor4D, 1, 'same')) as tf.Scalar);
  console.log(name, JSON.stringify(describeBackend()), (await g(tf.ones([1, 5, 5, 2])).sum().data())[0], (await value.data())[0]);
});
