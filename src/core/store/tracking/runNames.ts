import { randomInt } from 'node:crypto';

const adjectives = [
  'agile', 'amazing', 'amusing', 'ambitious', 'bold', 'brave', 'bright', 'bustling', 'calm', 'capable',
  'carefree', 'caring', 'charming', 'cheerful', 'clever', 'colorful', 'crisp', 'curious', 'dapper', 'daring',
  'dashing', 'delicate', 'eager', 'earnest', 'easygoing', 'elegant', 'enchanting', 'fearless', 'fierce', 'fluffy',
  'friendly', 'funny', 'gentle', 'gifted', 'glamorous', 'gleaming', 'graceful', 'handsome', 'happy', 'honest',
  'hopeful', 'humble', 'jolly', 'judicious', 'keen', 'kind', 'lively', 'lucky', 'luminous', 'merry',
  'mighty', 'modest', 'nimble', 'noble', 'patient', 'peaceful', 'placid', 'playful', 'polite', 'proud',
  'quick', 'quiet', 'radiant', 'resilient', 'rogue', 'serene', 'sincere', 'skillful', 'sleek', 'spirited',
  'stately', 'steady', 'sturdy', 'sunny', 'swift', 'thoughtful', 'tidy', 'trusting', 'upbeat', 'valiant',
  'vibrant', 'victorious', 'warm', 'welcoming', 'whimsical', 'wise', 'witty', 'youthful', 'zealous', 'zesty',
];

const animals = [
  'ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar',
  'bug', 'calf', 'carp', 'cat', 'chimp', 'cod', 'colt', 'conch', 'cow', 'crab',
  'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog', 'dolphin', 'donkey', 'dove',
  'duck', 'eel', 'elk', 'fawn', 'finch', 'fish', 'flea', 'fly', 'foal', 'fowl',
  'fox', 'frog', 'gnat', 'gnu', 'goat', 'goose', 'grouse', 'gull', 'hare', 'hawk',
  'hen', 'hog', 'horse', 'hound', 'jay', 'kit', 'kite', 'koi', 'lamb', 'lark',
  'loon', 'lynx', 'mare', 'midge', 'mink', 'mole', 'moose', 'moth', 'mouse', 'mule',
  'newt', 'owl', 'ox', 'panda', 'perch', 'pig', 'pony', 'possum', 'pug', 'quail',
  'ram', 'rat', 'ray', 'robin', 'seal', 'shad', 'shark', 'sheep', 'shrew', 'skink',
  'skunk', 'sloth', 'slug', 'snail', 'snake', 'snipe', 'sow', 'squid', 'stag', 'steed',
  'stoat', 'stork', 'swan', 'tern', 'toad', 'trout', 'turtle', 'vole', 'wasp', 'whale',
  'wolf', 'worm', 'wren', 'yak', 'zebra',
];

/** A run name when the client gives none, in MLflow's style: `brave-owl-417`. */
export function generateRunName(): string {
  const adjective = adjectives[randomInt(adjectives.length)];
  const animal = animals[randomInt(animals.length)];
  return `${adjective}-${animal}-${randomInt(0, 1001)}`;
}
