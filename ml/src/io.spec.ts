import { isTrainingInputError } from './errors';
import { banditDatasetToTrainingRows, parseCsvRows, parseJsonlRows, parseTrainingRows } from './io';

function error(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isTrainingInputError(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a TrainingInputError');
}

describe('training data files', () => {
  it('reads JSON Lines, skipping blank lines, and names lines that are not JSON objects', () => {
    const row = {
      userId: 'u',
      userFeatures: [1, 0],
      itemId: 'i',
      itemFeatures: { kind: 1 },
      position: 1,
      propensity: 0.5,
      reward: 1,
      at: '2026-01-01T00:00:00Z',
    };
    expect(parseJsonlRows(`${JSON.stringify(row)}\n\n${JSON.stringify(row)}\n`)).toEqual([row, row]);
    expect(error(() => parseJsonlRows(`${JSON.stringify(row)}\n[1]\n{oops`, 'log.jsonl')).message).toMatch(
      /^log.jsonl has lines that are not JSON objects: line 2 is not a JSON object; line 3 is not a JSON object\./,
    );
  });

  it('reads CSV with user.* and item.* feature columns', () => {
    const csv =
      'userId,itemId,position,propensity,reward,at,user.segment=a,user.tenure,item.long\nu1,i1,2,0.25,1,2026-01-01T00:00:00Z,1,0.5,\nu2,i2,1,0.5,0,1767225600000,,0.1,1\n';
    expect(parseTrainingRows(csv, 'log.csv')).toEqual([
      {
        userId: 'u1',
        itemId: 'i1',
        position: 2,
        propensity: 0.25,
        reward: 1,
        at: '2026-01-01T00:00:00Z',
        userFeatures: { 'segment=a': 1, tenure: 0.5 },
        itemFeatures: {},
      },
      { userId: 'u2', itemId: 'i2', position: 1, propensity: 0.5, reward: 0, at: 1767225600000, userFeatures: { tenure: 0.1 }, itemFeatures: { long: 1 } },
    ]);
  });

  it('names missing CSV columns and non-numeric features', () => {
    expect(error(() => parseCsvRows('userId,itemId,at\nu,i,1\n', 'log.csv')).message).toMatch(/^log.csv is missing the columns position, propensity, reward\./);
    expect(error(() => parseCsvRows('userId,itemId,position,propensity,reward,at,user.x\nu,i,1,1,0,1,abc\n', 'log.csv')).message).toMatch(
      /line 2 has user.x "abc"/,
    );
  });

  it('turns an OBD dataset into training rows', () => {
    const rows = banditDatasetToTrainingRows({
      actionIds: ['0', '1'],
      actionFeatures: [
        [0.5, 1, 0],
        [-1, 0, 1],
      ],
      actionFeatureNames: ['item_feature_0', 'item_feature_1=0', 'item_feature_1=1'],
      contextFeatureNames: ['user_feature_0=0', 'user_feature_0=1'],
      positionLabels: [1, 2],
      rows: [{ index: 7, at: 1000, position: 1, action: 1, reward: 1, pscore: 0.25, context: [0, 1] }],
    });
    expect(rows).toEqual([
      {
        userId: 'user_feature_0=1',
        userFeatures: { 'user_feature_0=1': 1 },
        itemId: '1',
        itemFeatures: { item_feature_0: -1, 'item_feature_1=1': 1 },
        position: 2,
        propensity: 0.25,
        reward: 1,
        at: 1000,
      },
    ]);
  });
});
