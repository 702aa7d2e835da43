import { describe, expect, it } from 'vitest';
import rule from './RPV-S105.js';
import { code, hits } from '../../test/scan/support.js';

describe('RPV-S105 scikit-learn estimators and splitters get a random_state', () => {
  it('flags splitters and randomised estimators without random_state', async () => {
    expect(await hits(rule, code(`
      from sklearn.model_selection import train_test_split, KFold
      from sklearn import ensemble
      train_test_split(X, y)
      KFold(5, shuffle=True)
      ensemble.RandomForestRegressor()
      train_test_split(X, y, random_state=None)
    `))).toEqual(['3:sklearn.model_selection.train_test_split', '4:sklearn.model_selection.KFold', '5:sklearn.ensemble.RandomForestRegressor', '6:sklearn.model_selection.train_test_split']);
  });
  it('passes random_state, splits that do not shuffle, and deterministic estimators', async () => {
    expect(await hits(rule, code(`
      from sklearn.model_selection import train_test_split, KFold
      from sklearn.linear_model import LinearRegression
      train_test_split(X, y, random_state=0)
      train_test_split(X, y, shuffle=False)
      KFold(5)
      LinearRegression()
    `))).toEqual([]);
  });
  it('passes estimators created after np.random.seed, which their random_state=None falls back on', async () => {
    expect(await hits(rule, 'import numpy as np\nfrom sklearn.cluster import KMeans\nnp.random.seed(0)\nKMeans(3)\n')).toEqual([]);
    expect(await hits(rule, 'import numpy as np\nfrom sklearn.cluster import KMeans\nKMeans(3)\nnp.random.seed(0)\n')).toEqual(['3:sklearn.cluster.KMeans']);
  });
});
