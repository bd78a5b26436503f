def action_plan(frames, population, district, window):
    return {"targets": []}, "T"
