import { hasKeyword, isFalse, isTrue, lastSegment, type Call } from '../../src/scan/facts.js';
import type { ScanRule } from '../../src/scan/rule.js';
import { callHit } from '../../src/scan/rule.js';
import { seededBefore } from '../../src/scan/seeds.js';

/** Estimators, splitters and helpers whose results depend on `random_state`. */
const RANDOMIZED = new Set([
  'train_test_split', 'ShuffleSplit', 'StratifiedShuffleSplit', 'GroupShuffleSplit', 'RepeatedKFold', 'RepeatedStratifiedKFold',
  'RandomForestClassifier', 'RandomForestRegressor', 'ExtraTreesClassifier', 'ExtraTreesRegressor', 'RandomTreesEmbedding',
  'GradientBoostingClassifier', 'GradientBoostingRegressor', 'HistGradientBoostingClassifier', 'HistGradientBoostingRegressor',
  'DecisionTreeClassifier', 'DecisionTreeRegressor', 'ExtraTreeClassifier', 'ExtraTreeRegressor', 'AdaBoostClassifier', 'AdaBoostRegressor',
  'BaggingClassifier', 'BaggingRegressor', 'IsolationForest', 'KMeans', 'MiniBatchKMeans', 'BisectingKMeans', 'SpectralClustering',
  'MLPClassifier', 'MLPRegressor', 'SGDClassifier', 'SGDRegressor', 'Perceptron', 'PassiveAggressiveClassifier', 'PassiveAggressiveRegressor',
  'RandomizedSearchCV', 'TSNE', 'TruncatedSVD', 'GaussianMixture', 'BayesianGaussianMixture', 'GaussianRandomProjection', 'SparseRandomProjection',
  'shuffle', 'resample', 'make_classification', 'make_regression', 'make_blobs', 'make_moons', 'make_circles',
]);
/** Splitters that only draw when asked to shuffle. */
const SHUFFLING = new Set(['KFold', 'StratifiedKFold', 'GroupKFold', 'StratifiedGroupKFold']);

function draws(call: Call): boolean {
  if (!call.callee?.startsWith('sklearn.') || call.spread || hasKeyword(call, 'random_state')) return false;
  const name = lastSegment(call.callee);
  if (SHUFFLING.has(name)) return isTrue(call.keywords.shuffle);
  if (name === 'train_test_split') return !isFalse(call.keywords.shuffle);
  return RANDOMIZED.has(name);
}

const rule: ScanRule = {
  meta: {
    id: 'RPV-S105',
    title: 'scikit-learn estimators and splitters get a random_state',
    category: 'randomness',
    severity: 'error',
    weight: 5,
    languages: ['python'],
    description: 'scikit-learn splitters (train_test_split, ShuffleSplit, KFold(shuffle=True), …), randomised estimators (random forests, boosting, KMeans, MLP, SGD, t-SNE, …) and generators (make_classification, shuffle, resample) called without `random_state=` and with no `np.random.seed(n)` before them on that path.',
    why: 'With random_state=None scikit-learn draws from NumPy\'s global generator: a different train/test split or a different forest on every run, so scores move for no reason anyone can trace.',
    fix: 'Pass `random_state=SEED` to every splitter and randomised estimator (or an `np.random.RandomState(SEED)` shared between them).',
    example: {
      language: 'python',
      failing: 'from sklearn.model_selection import train_test_split\nfrom sklearn.ensemble import RandomForestClassifier\n\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\nmodel = RandomForestClassifier(n_estimators=100)\n',
      passing: 'from sklearn.model_selection import train_test_split\nfrom sklearn.ensemble import RandomForestClassifier\n\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)\nmodel = RandomForestClassifier(n_estimators=100, random_state=42)\n',
    },
  },
  check({ facts, flow }) {
    return facts.calls.flatMap((call) =>
      draws(call) && !seededBefore(flow, call, 'numpy') ? [callHit(call, `${call.callee}() has no random_state and NumPy is not seeded before it`)] : [],
    );
  },
};
export default rule;
