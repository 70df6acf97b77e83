"""Probe (2026-12-05): the speaker's sex as the head would see it if it knew it (from the actor
number: RAVDESS's even actors are female), alone and times each pitch statistic, so that the head
could read pitch relative to the speaker's sex. An upper bound: the product cannot know it.
python3 oracle_gender.py STATS19.json OUT.json"""
import json, sys
base = json.load(open(sys.argv[1]))
actor = lambda p: int(p.split('/')[-1].split('-')[6].split('.')[0])
out = {}
for p, v in base.items():
    g = 1.0 if actor(p) % 2 == 0 else -1.0
    out[p] = {'oracle_sex': [g], 'oracle_sex_times_pitch': [g] + [g * x for x in v[:7]]}
json.dump(out, open(sys.argv[2], 'w'))
